// Each program in tests/ui/ must compile and run to the end. As shipped,
// none of them compiles: each needs a future pinned the right way.
#[test]
fn ui() {
    trybuild::TestCases::new().pass("tests/ui/*.rs");
}
