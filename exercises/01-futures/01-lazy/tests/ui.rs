// Compile-fail checks: each program in tests/ui/ must fail to compile with
// the error in its .stderr file.
#[test]
fn ui() {
    trybuild::TestCases::new().compile_fail("tests/ui/*.rs");
}
