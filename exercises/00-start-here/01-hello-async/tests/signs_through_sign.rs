use workbook_support::source::Source;

// The behaviour tests see only the guestbook's lines, and writing them
// directly would pass them. The exercise is to run `sign` by awaiting it.
#[test]
fn welcome_signs_by_awaiting_sign() {
    let lib: &'static str = include_str!("../src/lib.rs");
    let start = lib
        .find("pub async fn welcome")
        .expect("src/lib.rs should still define `pub async fn welcome`");
    Source::new("src/lib.rs (in `welcome`)", &lib[start..])
        .never_uses(
            "lines",
            "`welcome` writes the guestbook's lines itself. Sign through `sign` instead: \
             the exercise is to make the future that `sign` returns actually run.",
        )
        .keeps(
            "sign(",
            "`welcome` must sign by calling `sign`, and make the future it returns run.",
        );
}
