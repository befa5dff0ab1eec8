use std::time::Duration;

// Compile-fail check: a task that keeps an `Rc` across an `.await` is not
// `Send`, so the thread pool refuses it. Read the .stderr file next to the
// case: it is the error you would get.
#[test]
fn ui() {
    workbook_support::ui::check(Duration::from_secs(10), |t| {
        t.compile_fail("tests/ui/*.rs");
    });
}
