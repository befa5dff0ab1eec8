//! `cargo xtask verify` on a tiny fixture workbook, broken on purpose in the
//! ways verify exists to catch. Each test works on its own copy.

mod common;

use common::Fixture;

const EXERCISE: &str = "exercises/01-basics/01-add";
const SOLUTION: &str = "solutions/01-basics/01-add";
const PAGE: &str = "book/src/01-basics/01-add.md";

/// Without the browser checks, which `tests/browser.rs` runs on their own.
fn verify(fixture: &Fixture, extra: &[&str]) -> (bool, String) {
    fixture.xtask(&[&["verify", "--no-browser"][..], extra].concat())
}

/// The line verify printed for the check whose label contains `label`.
fn line_of<'a>(output: &'a str, label: &str) -> &'a str {
    output
        .lines()
        .find(|l| l.contains(label))
        .unwrap_or_else(|| panic!("no check {label:?} in:\n{output}"))
}

fn last_line(output: &str) -> &str {
    output
        .lines()
        .rev()
        .find(|l| !l.trim().is_empty())
        .unwrap_or_default()
}

#[test]
fn a_sound_workbook_passes_every_check() {
    let fixture = Fixture::new();
    let (ok, output) = verify(&fixture, &[]);
    assert!(ok, "verify failed on the sound fixture:\n{output}");
    assert_eq!(last_line(&output), "13 passed, 0 failed", "{output}");
}

#[test]
fn catches_a_starter_that_passes() {
    let fixture = Fixture::new();
    fixture.write(
        &format!("{EXERCISE}/src/lib.rs"),
        &fixture.read(&format!("{SOLUTION}/src/lib.rs")),
    );
    let (ok, output) = verify(&fixture, &[]);
    assert!(!ok, "{output}");
    assert!(
        line_of(&output, "add: starter fails as declared").contains("FAILED"),
        "{output}"
    );
    assert!(output.contains("the starter passes (1 tests)"), "{output}");
    assert!(!last_line(&output).ends_with(" 0 failed"), "{output}");
}

#[test]
fn catches_a_starter_that_fails_without_the_declared_message() {
    let fixture = Fixture::new();
    let tests = fixture
        .read(&format!("{EXERCISE}/tests/add.rs"))
        .replace("add(2, 3) should be 5", "wrong");
    fixture.write(&format!("{EXERCISE}/tests/add.rs"), &tests);
    let (ok, output) = verify(&fixture, &[]);
    assert!(!ok, "{output}");
    assert!(
        output.contains("does not contain the declared message \"add(2, 3) should be 5\""),
        "{output}"
    );
}

#[test]
fn catches_a_solution_that_fails() {
    let fixture = Fixture::new();
    let broken = fixture
        .read(&format!("{SOLUTION}/src/lib.rs"))
        .replace("a + b", "a * b");
    fixture.write(&format!("{SOLUTION}/src/lib.rs"), &broken);
    let (ok, output) = verify(&fixture, &[]);
    assert!(!ok, "{output}");
    assert!(
        line_of(&output, "add: solution passes").contains("FAILED"),
        "{output}"
    );
    assert!(output.contains("the solution fails: adds"), "{output}");
}

#[test]
fn catches_a_missing_link_between_book_and_exercise() {
    let fixture = Fixture::new();
    fixture.write(PAGE, &fixture.read(PAGE).replace("{{#exercise add}}", ""));
    let readme = fixture
        .read(&format!("{EXERCISE}/README.md"))
        .replace("../../../book/src/01-basics/01-add.md", "elsewhere.md");
    fixture.write(&format!("{EXERCISE}/README.md"), &readme);
    let (ok, output) = verify(&fixture, &[]);
    assert!(!ok, "{output}");
    assert!(
        output.contains("must end with its exercise box `{{#exercise add}}`"),
        "{output}"
    );
    assert!(
        output.contains("does not link back to its page"),
        "{output}"
    );
}

#[test]
fn catches_a_snippet_that_does_not_compile() {
    let fixture = Fixture::new();
    fixture.write(
        PAGE,
        &fixture
            .read(PAGE)
            .replace("assert_eq!(2 + 2, 4);", "let x: u32 = \"four\";"),
    );
    let (ok, output) = verify(&fixture, &[]);
    assert!(!ok, "{output}");
    let check = output
        .lines()
        .skip_while(|l| !l.contains("snippet book/src/01-basics/01-add.md:5"))
        .take(2)
        .collect::<Vec<_>>()
        .join("\n");
    assert!(check.contains("FAILED"), "{output}");
    assert!(
        check.contains("error[E0308]: mismatched types (book/src/01-basics/01-add.md:7)"),
        "{output}"
    );
}

#[test]
fn catches_a_starter_that_hangs_within_the_time_bound() {
    let fixture = Fixture::new();
    fixture.write(
        &format!("{EXERCISE}/src/lib.rs"),
        "// ANCHOR: add\npub fn add(_a: u32, _b: u32) -> u32 {\n    // TODO: add them\n    loop {\n        std::hint::spin_loop();\n    }\n}\n// ANCHOR_END: add\n",
    );
    let (ok, output) = verify(&fixture, &["--timeout", "5"]);
    assert!(!ok, "{output}");
    assert!(output.contains("timed out after"), "{output}");
}

#[test]
fn never_writes_the_learners_files() {
    let fixture = Fixture::new();
    let before = fixture.read(&format!("{EXERCISE}/src/lib.rs"));
    let (_, output) = verify(&fixture, &[]);
    assert_eq!(fixture.read(&format!("{EXERCISE}/src/lib.rs")), before);
    assert!(
        line_of(&output, "were not written").contains("ok"),
        "{output}"
    );
}
