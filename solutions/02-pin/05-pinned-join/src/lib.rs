//! Join, once more: two futures side by side in one task, and this time
//! any two futures, `async` blocks included.
//!
//! Why this works: each inner future sits in an `Option` that is a
//! structurally pinned field (`#[pin]`), so `project()` hands it out as
//! `Pin<&mut Option<F>>`, and `as_pin_mut()` turns that into the
//! `Option<Pin<&mut F>>` that `poll` needs: the future is polled where it
//! lies, `!Unpin` or not, and nothing can move it. When it returns `Ready`,
//! `set(None)` drops it in place, as the drop guarantee of `Pin` demands,
//! and the `None` that is left marks it as finished, so it is never polled
//! again. The outputs are plain fields (`&mut Option<T>`): nothing points
//! into them, and `take()` moves them out at the end. pin-project-lite makes
//! `Join` `Unpin` exactly when both pinned fields are, that is when `A` and
//! `B` are, whatever the outputs are. `Join` returns `Pending` only when an
//! inner future did in this poll, and that future has arranged the wake-up.

use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};

use pin_project_lite::pin_project;

/// Waits for both `a` and `b`, polling them side by side in one task, and
/// finishes with `(a's output, b's output)`.
///
/// Unlike the `join` of the Futures chapter, `a` and `b` may be `!Unpin`
/// (`async` blocks, `async fn` calls, tokio's `Sleep`), and they are kept
/// inside the [`Join`], not boxed.
pub fn join<A: Future, B: Future>(a: A, b: B) -> Join<A, B> {
    Join {
        a: Some(a),
        b: Some(b),
        a_output: None,
        b_output: None,
    }
}

pin_project! {
    /// The future returned by [`join`].
    ///
    /// The contract:
    ///
    /// 1. Each poll polls every unfinished inner future once, `a` first,
    ///    then `b`.
    /// 2. An inner future that returns `Ready` is never polled again, and is
    ///    dropped at once, where it lies, before anything else happens in
    ///    that poll (a finished future may still hold a connection or a
    ///    timer).
    /// 3. The join returns `Ready((a's output, b's output))` in the poll in
    ///    which the second output arrives, and `Pending` before that. It
    ///    never wakes the waker itself: the inner futures that returned
    ///    `Pending` have arranged the wake-up.
    /// 4. The inner futures are stored inside the `Join` and never move once
    ///    the `Join` is pinned, until they are dropped. `Join<A, B>` is
    ///    `Unpin` exactly when `A` and `B` both are.
    /// 5. Polling a `Join` again after it returned `Ready` panics, without
    ///    polling or touching the inner futures.
    pub struct Join<A: Future, B: Future> {
        // `None` once the future has finished and been dropped.
        #[pin]
        a: Option<A>,
        #[pin]
        b: Option<B>,
        // Each output, from the poll where its future finished until the end.
        a_output: Option<A::Output>,
        b_output: Option<B::Output>,
    }
}

/// Polls the future in `slot` if it has not finished. When it finishes,
/// keeps its output and drops the future in place.
fn poll_slot<F: Future>(
    mut slot: Pin<&mut Option<F>>,
    output: &mut Option<F::Output>,
    cx: &mut Context<'_>,
) {
    if let Some(future) = slot.as_mut().as_pin_mut()
        && let Poll::Ready(value) = future.poll(cx)
    {
        slot.set(None);
        *output = Some(value);
    }
}

impl<A: Future, B: Future> Future for Join<A, B> {
    type Output = (A::Output, B::Output);

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let mut this = self.project();
        assert!(
            this.a.is_some() || this.b.is_some(),
            "`Join` polled again after it returned Poll::Ready"
        );
        poll_slot(this.a.as_mut(), this.a_output, cx);
        poll_slot(this.b.as_mut(), this.b_output, cx);
        if this.a.is_some() || this.b.is_some() {
            return Poll::Pending;
        }
        let a = this
            .a_output
            .take()
            .expect("a finished, so its output is kept");
        let b = this
            .b_output
            .take()
            .expect("b finished, so its output is kept");
        Poll::Ready((a, b))
    }
}
