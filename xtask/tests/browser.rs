//! verify's checks in headless Chromium, on the fixture workbook's book:
//! its playground setting makes every page with Rust code fetch from the
//! web, which the browser checks must catch, while its exercise boxes link
//! their crates. Without Chromium, the checks must say how to install it.

mod common;

use common::Fixture;

/// The line the browser checks printed for the check whose label contains
/// `label`.
fn line_of<'a>(output: &'a str, label: &str) -> &'a str {
    output
        .lines()
        .find(|l| l.contains(label))
        .unwrap_or_else(|| panic!("no check {label:?} in:\n{output}"))
}

#[test]
fn the_browser_checks_catch_a_book_that_fetches_from_the_web() {
    let fixture = Fixture::new();
    let (built, output) = fixture.xtask(&["book"]);
    assert!(built, "the fixture's book did not build:\n{output}");
    let html = fixture.path("book/book");
    let html = html.to_str().expect("a UTF-8 path");
    let (ok, output) = fixture.xtask(&["verify", "--browser-only", html]);
    assert!(
        !ok,
        "the browser checks passed a book that fetches from the web:\n{output}"
    );
    if output.contains("Chromium was not found") {
        assert!(
            output.contains("apt-get install chromium") && output.contains("--no-browser"),
            "without Chromium, the checks must say how to install it or skip them:\n{output}"
        );
        assert!(output.contains("0 passed, 7 failed"), "{output}");
        return;
    }
    let network = line_of(&output, "browser: no request leaves the machine");
    assert!(network.contains("FAILED"), "{output}");
    assert!(
        output.contains("requested https://play.rust-lang.org/"),
        "the playground's request is not named:\n{output}"
    );
    assert!(
        line_of(&output, "browser: every page loads without console errors").contains("FAILED"),
        "the failed fetch is a console error:\n{output}"
    );
    assert!(
        line_of(&output, "browser: each exercise box links its page's crate").contains("ok (")
            && output.contains("2 boxes link their crate"),
        "{output}"
    );
    assert!(
        line_of(&output, "browser: a quiz rejects a wrong answer").contains("skipped: no quiz"),
        "{output}"
    );
}
