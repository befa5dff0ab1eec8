//! Join: run two futures concurrently in one task and wait for both.
//!
//! Why this works: every poll of the `Join` polls each inner future that has
//! not finished yet, so both make progress during the same `.await` and the
//! join takes as long as the slower one. A finished future is never polled
//! again: its output is moved into an `Option` field the moment it appears,
//! and `is_none()` on that field is the "not finished yet" test. `Ready` is
//! returned in the same poll where the second output arrives, with the
//! outputs in argument order whichever finished first. The join never wakes
//! the waker itself: an inner future that returned `Pending` has already
//! arranged its own wake-up with the same waker.

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
        // `Join` is `Unpin`, so a plain `&mut Join` is allowed here. Poll an
        // inner future with `Pin::new(&mut this.a).poll(cx)`.
        let this = self.get_mut();
        if this.a_output.is_none()
            && let Poll::Ready(output) = Pin::new(&mut this.a).poll(cx)
        {
            this.a_output = Some(output);
        }
        if this.b_output.is_none()
            && let Poll::Ready(output) = Pin::new(&mut this.b).poll(cx)
        {
            this.b_output = Some(output);
        }
        if this.a_output.is_some() && this.b_output.is_some() {
            let a = this.a_output.take().expect("checked above");
            let b = this.b_output.take().expect("checked above");
            return Poll::Ready((a, b));
        }
        // Each unfinished future returned Pending and has arranged its own
        // wake-up with the same waker: nothing more to do here.
        Poll::Pending
    }
}
