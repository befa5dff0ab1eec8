use std::time::Duration;

use workbook_support::source::Source;

// tests/ui/pass/hit_counter.rs must compile and run to the end; as shipped,
// `tokio::spawn` refuses its handler. tests/ui/fail/guard_held.rs is the
// same mistake, kept as it is: its .stderr is the compiler's error, shown
// on the book page. A program still running after 10 s is stopped.
#[test]
fn ui() {
    workbook_support::ui::check(Duration::from_secs(10), |t| {
        t.pass("tests/ui/pass/*.rs");
        t.compile_fail("tests/ui/fail/*.rs");
    });
}

// The program must keep what it is about: the checks below fail if it gets
// past the compiler by dropping its point.
#[test]
fn hit_counter_still_spawns_its_handlers_and_checks_them() {
    let why_spawn = "The handlers must still run as spawned tasks: `tokio::spawn` is what needs \
                     their futures to be `Send`.";
    Source::new(
        "tests/ui/pass/hit_counter.rs",
        include_str!("ui/pass/hit_counter.rs"),
    )
    .keeps(
        "#![forbid(unsafe_code)]",
        "No `unsafe` is needed: keep `#![forbid(unsafe_code)]`.",
    )
    .never_uses("unsafe", "No `unsafe` is needed here.")
    .keeps("tokio::spawn(handle(", why_spawn)
    .never_uses("spawn_local", why_spawn)
    .never_uses("LocalSet", why_spawn)
    .keeps(
        "backend(&path).await",
        "The handler must still ask the backend, with an `.await`.",
    )
    .keeps(
        "assert_eq!(bodies, [\"page / (hit 1)\", \"page /about (hit 1)\", \"page / (hit 2)\"]);",
        "The assertion on the answers and their hit counts must stay as it is.",
    )
    .keeps(
        "assert_eq!(hits.lock().unwrap()[\"/\"], 2",
        "The assertion on the shared map must stay as it is.",
    )
    .keeps(
        "Duration::from_millis(50),",
        "The assertion that the requests wait for the backend side by side must stay.",
    );
}
