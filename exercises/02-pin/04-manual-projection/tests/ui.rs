use std::time::Duration;

// Compile-fail checks: each program in tests/ui/ must fail to compile with
// the error in its .stderr file.
#[test]
fn ui() {
    workbook_support::ui::check(Duration::from_secs(10), |t| {
        t.compile_fail("tests/ui/*.rs");
    });
}
