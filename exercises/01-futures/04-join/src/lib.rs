//! Join: run two futures concurrently in one task and wait for both.

use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};

/// Waits for both `a` and `b`, polling them side by side, and finishes with
/// `(a's output, b's output)`.
///
/// Both futures make progress during the same `.await`, so the whole join
/// takes as long as the slower of the two, not the sum.
///
/// The contract, which the tests check:
///
/// - Every poll of the join polls each inner future that has not finished
///   yet, `a` before `b`.
/// - An inner future that has returned `Ready` is never polled again.
/// - The join is `Ready` in the very poll in which the last inner future
///   finishes, with the outputs in argument order, whichever finished first.
/// - The join never wakes the waker itself: the only wake-ups are those the
///   inner futures make.
pub fn join<A, B>(a: A, b: B) -> Join<A, B>
where
    A: Future + Unpin,
    B: Future + Unpin,
{
    Join {
        a,
        b,
        a_output: None,
        b_output: None,
    }
}

#[allow(dead_code)] // TODO: remove this line once `poll` uses the fields.
// ANCHOR: poll
/// The future returned by [`join`].
pub struct Join<A: Future, B: Future> {
    a: A,
    b: B,
    /// `a`'s output, kept here from the poll where `a` finished.
    a_output: Option<A::Output>,
    /// `b`'s output, kept here from the poll where `b` finished.
    b_output: Option<B::Output>,
}

// `Join` never hands out a pinned reference to its outputs, so it can be
// moved whenever `a` and `b` can. (The Pin chapter explains pinning.)
impl<A: Future + Unpin, B: Future + Unpin> Unpin for Join<A, B> {}

impl<A, B> Future for Join<A, B>
where
    A: Future + Unpin,
    B: Future + Unpin,
{
    type Output = (A::Output, B::Output);

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        // `Join` is `Unpin`, so a plain `&mut Join` is allowed here.
        let this = self.get_mut();
        // TODO: keep the contract in the doc comment of `join`.
        let _ = (this, cx);
        Poll::Pending
    }
}
// ANCHOR_END: poll
