//! Map: run a future, then apply a function to its output.

use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};

use pin_project_lite::pin_project;

/// Runs `future`, then calls `f` once with its output. The `Map` finishes
/// with what `f` returns.
///
/// `future` may be `!Unpin` (an `async` block, for example): `Map` keeps it
/// pinned in place and never moves it.
pub fn map<F, G, T>(future: F, f: G) -> Map<F, G>
where
    F: Future,
    G: FnOnce(F::Output) -> T,
{
    Map { future, f: Some(f) }
}

// ANCHOR: map
pin_project! {
    /// The future returned by [`map`].
    pub struct Map<F, G> {
        // TODO: `future` may be `!Unpin`: once a `Map` is pinned, this
        // field must stay where it is until it is dropped. `f` may move.
        future: F,
        // The function, until it has been called. `None` means "finished".
        f: Option<G>,
    }
}

impl<F, G, T> Future for Map<F, G>
where
    F: Future,
    G: FnOnce(F::Output) -> T,
{
    type Output = T;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<T> {
        // TODO: poll the inner future where it lies. `Map` is `Pending`
        // exactly when the inner future is; when it is `Ready(output)`,
        // finish with `f(output)`, calling `f` once. A `Map` polled again
        // after it finished panics without polling the inner future.
        let _ = cx;
        todo!("poll the inner future where it lies, then finish with f(output): see `Map`")
    }
}
// ANCHOR_END: map
