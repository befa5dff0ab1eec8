use std::time::Duration;

// Compile-fail checks, with `#![deny(unused_must_use)]`: each program in
// tests/ui/ forgets a future, and must not compile. Its .stderr is what the
// compiler says. `forgotten_record.rs` forgets the future of an `async fn`,
// which the lint catches as shipped. `forgotten_delivery.rs` forgets a
// `Delivery`, which the lint catches only once the type says it must be
// used: as shipped, that program compiles, and this test fails.
#[test]
fn ui() {
    workbook_support::ui::check(Duration::from_secs(10), |t| {
        t.compile_fail("tests/ui/*.rs");
    });
}
