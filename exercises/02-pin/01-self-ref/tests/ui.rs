use std::time::Duration;

// Compile-fail checks: each program in tests/ui/ must fail to compile with
// the error in its .stderr file. A pinned `!Unpin` scanner cannot be swapped
// or moved out of its box in safe code.
#[test]
fn ui() {
    workbook_support::ui::check(Duration::from_secs(10), |t| {
        t.compile_fail("tests/ui/*.rs");
    });
}
