use std::time::Duration;

// Compile-fail check: `send` takes the sender by value, so a sender can
// send only once. Read the .stderr file next to the case: it is the error
// the compiler gives for a second send.
#[test]
fn ui() {
    workbook_support::ui::check(Duration::from_secs(10), |t| {
        t.compile_fail("tests/ui/*.rs");
    });
}
