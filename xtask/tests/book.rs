//! `cargo xtask book` on the fixture workbook: what a page shows.

mod common;

use common::Fixture;

const ADD: &str = "exercises/01-basics/01-add/src/lib.rs";
const PAGE: &str = "book/book/01-basics/01-add.html";
const LEARNER: &str = "// ANCHOR: add\npub fn add(a: u32, b: u32) -> u32 {\n    // the learner's answer\n    a\n}\n// ANCHOR_END: add\n";

fn build(fixture: &Fixture) -> String {
    let (ok, output) = fixture.xtask(&["book"]);
    assert!(ok, "the book did not build:\n{output}");
    assert!(!output.contains("warning"), "{output}");
    fixture.read(PAGE)
}

#[test]
fn a_page_shows_the_starter_as_shipped_after_the_learner_edits_it() {
    let fixture = Fixture::committed();
    fixture.write(ADD, LEARNER);
    let page = build(&fixture);
    assert!(
        page.contains("// TODO: add them"),
        "the page should include the committed starter:\n{page}"
    );
    assert!(
        !page.contains("the learner&#39;s answer") && !page.contains("the learner's answer"),
        "the page shows the learner's code:\n{page}"
    );
}

#[test]
fn without_git_a_page_shows_the_file_as_it_is() {
    let fixture = Fixture::new();
    fixture.write(ADD, LEARNER);
    let page = build(&fixture);
    assert!(
        page.contains("the learner"),
        "without git the working tree is all there is:\n{page}"
    );
}

#[test]
fn the_exercise_box_links_the_crate_and_nests_the_hints() {
    let fixture = Fixture::new();
    let page = build(&fixture);
    assert!(
        page.contains(r#"href="../../../exercises/01-basics/01-add/""#),
        "the box should link the crate's folder relatively:\n{page}"
    );
    let first = page.find("Hint 1 of 2").expect("hint 1 in the box");
    let second = page.find("Hint 2 of 2").expect("hint 2 in the box");
    let first_closed = page[first..].find("</details>").expect("hint 1 closes") + first;
    assert!(
        second < first_closed,
        "hint 2 should be inside hint 1, so it shows only once hint 1 is open:\n{page}"
    );
    assert!(
        !page.contains("in the crate’s <code>README.md</code>, one at a time"),
        "{page}"
    );
}
