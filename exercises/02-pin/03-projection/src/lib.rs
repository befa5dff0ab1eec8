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
        // TODO: this future has to stay where it is once it has been polled.
        // Mark it with `#[pin]`, so that `self.project()` hands it out as
        // `Pin<&mut F>` (and `Map` is `Unpin` only when `F` is).
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
        // TODO: call `self.project()` to get at the fields. Poll the pinned
        // future; when it is ready, take `f` out of its `Option` and return
        // `Poll::Ready(f(output))`. If `f` is already gone, this `Map` has
        // finished: panic instead of polling the future again.
        let _ = cx;
        todo!(
            "poll the inner future through `self.project()`: mark the `future` field with #[pin] \
             inside pin_project! so the projection gives you a `Pin<&mut F>`"
        )
    }
}
// ANCHOR_END: map
