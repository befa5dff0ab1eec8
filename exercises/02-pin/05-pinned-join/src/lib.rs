//! Join, once more: two futures side by side in one task, and this time
//! any two futures, `async` blocks included.

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
    // TODO: build the `Join` (its fields are yours to choose).
    Join { a, b }
}

// ANCHOR: contract
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
    pub struct Join<A, B> {
        // TODO: the fields a `Join` needs. These two only make the starter
        // compile.
        a: A,
        b: B,
    }
}

impl<A: Future, B: Future> Future for Join<A, B> {
    type Output = (A::Output, B::Output);

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        // TODO: keep the contract above.
        let _ = (&self.a, &self.b, cx);
        todo!("poll `a` and `b` where they lie, keeping the contract of `Join` in src/lib.rs")
    }
}
// ANCHOR_END: contract
