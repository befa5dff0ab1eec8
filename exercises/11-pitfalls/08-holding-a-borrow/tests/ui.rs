use std::time::Duration;

// The compiler errors of the book page, from programs of their own: they
// pass as shipped and need no change.
#[test]
fn ui() {
    workbook_support::ui::check(Duration::from_secs(10), |t| {
        t.compile_fail("tests/ui/*.rs");
    });
}
