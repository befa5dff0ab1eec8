use std::time::Duration;

use workbook_support::source::Source;

// `router.rs` must compile and run to the end; as shipped it does not
// compile. The cases in `ui/fail/` are the compiler errors met on the way
// (the book page shows them); they pass as shipped. A program still
// running after 20 s is stopped and fails.
#[test]
fn ui() {
    workbook_support::ui::check(Duration::from_secs(20), |t| {
        t.compile_fail("tests/ui/fail/*.rs");
        t.pass("tests/ui/router.rs");
    });
}

// The program you edit must keep its point: the checks below fail if it
// gets past the compiler by dropping what makes it hard.
#[test]
fn router_still_spawns_trait_objects() {
    let router = Source::new("tests/ui/router.rs", include_str!("ui/router.rs"));
    router
        .keeps(
            "#![forbid(unsafe_code)]",
            "Keep `#![forbid(unsafe_code)]`: none of this needs `unsafe`.",
        )
        .never_uses(
            "unsafe",
            "None of this needs `unsafe`; an `unsafe impl Send` would be a lie the runtime \
             would believe.",
        )
        .keeps(
            "Arc<dyn ",
            "The table must keep its handlers as `Arc<dyn ...>` trait objects, one per path, \
             each of its own type: making the trait dyn compatible is the exercise.",
        )
        .keeps(
            "tokio::spawn(async move {",
            "`dispatch` must still answer each request in a task of its own with \
             `tokio::spawn`: a slow handler must hold up no other request.",
        )
        .keeps(
            "#[tokio::main]\nasync fn main()",
            "`main` must run on the multi-thread runtime that `#[tokio::main]` builds, where a \
             spawned future must be `Send`.",
        )
        .never_uses(
            "spawn_local",
            "`spawn_local` runs `!Send` futures on one thread only: it avoids the question \
             instead of answering it. Keep `tokio::spawn`.",
        )
        .never_uses(
            "LocalSet",
            "A `LocalSet` runs `!Send` futures on one thread only: it avoids the question \
             instead of answering it. Keep `tokio::spawn`.",
        )
        .never_uses(
            "block_on",
            "Blocking on the handler's future inside a synchronous method holds up a runtime \
             thread (see the page on `block_on` inside async code).",
        );
    for handler in ["Page", "Hits", "Slow"] {
        router.keeps(
            &format!("impl Handler for {handler} {{"),
            "Keep the three handlers, each implementing `Handler`.",
        );
    }
    for check in [
        "assert_eq!(home, Response::ok(\"home\"));",
        "assert_eq!(missing, Response::not_found());",
        "assert_eq!(counts, (1..=20).collect::<Vec<_>>());",
        "assert!(!slow.is_finished());",
        "assert_eq!(slow.await.unwrap(), Response::ok(\"finally: report\"));",
    ] {
        router.keeps(check, "Keep `main` and its checks as they are.");
    }
}
