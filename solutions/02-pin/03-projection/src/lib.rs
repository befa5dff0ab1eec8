//! Map: run a future, then apply a function to its output.
//!
//! Why this works: `pin_project!` turns `Pin<&mut Map>` into a struct of
//! references, one per field. The field marked `#[pin]` comes out as
//! `Pin<&mut F>`, so the inner future is polled where it lies and is never
//! moved, even when it is `!Unpin`; the macro also makes `Map` `Unpin` only
//! when `F` is, so no safe code can move a pinned `Map` (and the future in
//! it) elsewhere. `f` is not pinned: it comes out as a plain
//! `&mut Option<G>`, which lets `take()` move the function out and call it
//! exactly once. An empty `Option` marks a finished `Map`; polling it again
//! panics before the inner future is touched, so a finished future is never
//! polled again. `Map` returns `Pending` only when the inner future did, and
//! that future has arranged the wake-up.

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

pin_project! {
    /// The future returned by [`map`].
    pub struct Map<F, G> {
        // Structurally pinned: handed out as `Pin<&mut F>`.
        #[pin]
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
        let this = self.project();
        // this.future: Pin<&mut F>, this.f: &mut Option<G>
        assert!(
            this.f.is_some(),
            "`Map` polled again after it returned Poll::Ready"
        );
        match this.future.poll(cx) {
            Poll::Ready(output) => {
                let f = this.f.take().expect("checked above");
                Poll::Ready(f(output))
            }
            Poll::Pending => Poll::Pending,
        }
    }
}
