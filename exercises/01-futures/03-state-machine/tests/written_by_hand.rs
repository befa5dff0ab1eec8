use workbook_support::source::Source;

// `BrewTea` must be the state machine itself. Storing the future of the
// `async fn` and polling it would pass every behaviour test, but the point
// is to write by hand what the compiler writes; the compiler needs no box.
#[test]
fn brew_tea_is_written_by_hand() {
    let lib: &'static str = include_str!("../src/lib.rs");
    let start = lib
        .find("pub enum BrewTea")
        .expect("src/lib.rs should still define `pub enum BrewTea`");
    let why = "`BrewTea` must hold the kettle's and the teapot's futures in its own \
               variants, as the compiler's state machine does, not box a future of \
               `brew_tea`: the exercise is to write that state machine by hand.";
    Source::new("src/lib.rs (from `enum BrewTea` on)", &lib[start..])
        .never_uses("Box", why)
        .never_uses("BoxFuture", why)
        .never_uses("dyn", why)
        .never_uses("brew_tea", why);
}
