use std::future::Future;
use std::time::Duration;

use hello_async::{Guestbook, sign, welcome};
use workbook_support::on_paused_tokio;

const LIMIT: Duration = Duration::from_secs(5);

/// Awaits `future`, failing the test instead of hanging if it never finishes.
/// The tests run on tokio's paused clock, so this gives up as soon as the
/// runtime has nothing left to do.
async fn bounded<F: Future>(future: F) -> F::Output {
    tokio::time::timeout(Duration::from_secs(10), future)
        .await
        .expect("the future never finished")
}

#[test]
fn welcome_signs_the_guestbook() {
    on_paused_tokio(LIMIT, || async {
        let book = Guestbook::new();
        let greeting = bounded(welcome(&book, "Ferris")).await;
        assert_eq!(greeting, "Welcome, Ferris!", "the greeting welcome returns");
        assert!(
            !book.lines().is_empty(),
            "welcome(&book, \"Ferris\") finished, but the guestbook is still empty.\n\
             Calling `sign(..)` only builds a future; the signing runs when that \
             future is awaited. Look for the compiler warning in src/lib.rs."
        );
        assert_eq!(
            book.lines(),
            ["Ferris was here"],
            "welcome should sign the guestbook exactly once, with the visitor's name"
        );
    });
}

#[test]
fn each_visitor_signs_in_turn() {
    on_paused_tokio(LIMIT, || async {
        let book = Guestbook::new();
        bounded(welcome(&book, "Ada")).await;
        bounded(welcome(&book, "Grace")).await;
        assert!(
            !book.lines().is_empty(),
            "two welcomes finished, but the guestbook is still empty.\n\
             Calling `sign(..)` only builds a future; the signing runs when that \
             future is awaited. Look for the compiler warning in src/lib.rs."
        );
        assert_eq!(
            book.lines(),
            ["Ada was here", "Grace was here"],
            "two welcomes, one after the other, should leave two lines in that order"
        );
    });
}

// This test passes from the start: it shows what the exercise is about.
// Calling an async fn runs none of its body; awaiting the future does.
#[test]
fn an_async_fn_runs_only_when_awaited() {
    on_paused_tokio(LIMIT, || async {
        let book = Guestbook::new();
        let signing = sign(&book, "Ada");
        assert!(
            book.lines().is_empty(),
            "calling sign(..) must not write anything: it only builds a future"
        );
        bounded(signing).await;
        assert_eq!(book.lines(), ["Ada was here"], "awaiting the future signs");
    });
}

// This one passes from the start too: a future dropped without being
// awaited never runs at all.
#[test]
fn a_dropped_future_never_runs() {
    on_paused_tokio(LIMIT, || async {
        let book = Guestbook::new();
        let visit = welcome(&book, "Ada");
        drop(visit);
        assert!(
            book.lines().is_empty(),
            "a welcome future that was dropped without being awaited must not sign"
        );
    });
}
