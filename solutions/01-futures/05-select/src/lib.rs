//! Select: race two futures. The first to finish wins; the other one is
//! handed back, unfinished, so the caller can keep driving it or drop it.
//!
//! Why this works: each poll polls `a` and then `b`, so whichever finishes
//! first is seen in the poll where it finishes, and `a` wins a tie. The
//! moment one is `Ready`, the poll returns without touching the other: the
//! loser keeps exactly the progress it had, and no output of it can be lost.
//! `inner.take()` moves both futures out, so the loser goes back to the
//! caller alive (not dropped) and the `Select` remembers that it is done;
//! a later poll finds `None` and panics with a clear message instead of
//! polling a finished future. While neither is ready, each inner future
//! that returned `Pending` has arranged its own wake-up, so the `Select`
//! does not wake anything itself.

use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};

/// `Left` when `a` won, `Right` when `b` won: the same type as
/// `futures::future::Either`.
pub use futures::future::Either;

/// Races `a` against `b`, like `futures::future::select`.
///
/// The contract, which the tests check:
///
/// - Each poll polls `a`, then `b`, until one of them is `Ready`.
/// - The returned future finishes in the poll in which the first of them
///   does, with `Either::Left((a's output, b))` or
///   `Either::Right((b's output, a))`: the winner's output and the loser
///   itself, alive, with all its progress, and not polled again by the
///   select, so the caller can keep driving it.
/// - In a poll where `a` is `Ready`, `b` is not polled at all: `a` wins a
///   tie.
/// - The select never wakes the waker itself: the only wake-ups are those
///   the inner futures make.
/// - Polled again after it finished, it panics with the message
///   `"select: polled after it completed"`.
pub fn select<A, B>(a: A, b: B) -> Select<A, B>
where
    A: Future + Unpin,
    B: Future + Unpin,
{
    Select {
        inner: Some((a, b)),
    }
}

/// The future returned by [`select`].
pub struct Select<A, B> {
    /// Both futures while the race is on; `None` once one of them has won
    /// and the other has been handed back.
    inner: Option<(A, B)>,
}

impl<A, B> Future for Select<A, B>
where
    A: Future + Unpin,
    B: Future + Unpin,
{
    type Output = Either<(A::Output, B), (B::Output, A)>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        // `Select` is `Unpin` (its futures are), so a plain `&mut` is allowed.
        // Poll an inner future with `Pin::new(&mut a).poll(cx)`.
        let this = self.get_mut();
        let (a, b) = this
            .inner
            .as_mut()
            .expect("select: polled after it completed");
        if let Poll::Ready(output) = Pin::new(a).poll(cx) {
            let (_, b) = this.inner.take().expect("checked above");
            return Poll::Ready(Either::Left((output, b)));
        }
        if let Poll::Ready(output) = Pin::new(b).poll(cx) {
            let (a, _) = this.inner.take().expect("checked above");
            return Poll::Ready(Either::Right((output, a)));
        }
        Poll::Pending
    }
}
