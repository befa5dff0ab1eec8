// Compiles and runs each program in tests/ui/: they must build and exit
// successfully.
#[test]
fn ui() {
    trybuild::TestCases::new().pass("tests/ui/*.rs");
}
