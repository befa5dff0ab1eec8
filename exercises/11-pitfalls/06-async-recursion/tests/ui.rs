use std::time::Duration;

// The compile-fail cases show what the compiler says about a recursive
// `async fn` without a box; they pass as shipped. `spawned.rs` runs your
// `disk_usage` in a task on a multi-thread runtime: it compiles only if
// its future is `Send`. A program still running after 10 s is stopped.
#[test]
fn ui() {
    workbook_support::ui::check(Duration::from_secs(10), |t| {
        t.compile_fail("tests/ui/recursion_*.rs");
        t.pass("tests/ui/spawned.rs");
    });
}
