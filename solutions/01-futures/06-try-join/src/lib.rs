//! Challenge: join two fallible futures, and stop at the first error.
//!
//! Why this works: `TryJoin` is `join` with one more way to end. It keeps
//! each inner future in an `Option` and each value in an `Option`. A future
//! is polled only while its slot is `Some`, and the slot is emptied the
//! moment it returns `Ready`, so a finished future is never polled again;
//! every poll polls each unfinished one, `a` before `b`, so both make
//! progress during the same `.await`. On the first `Err` the poll returns
//! at once, without polling `b` if `a` failed, and before it returns it
//! sets the other future's slot and the other value's slot to `None`,
//! which drops them: the other future is cancelled right away, not whenever
//! the caller drops the finished `TryJoin`. When both values are there,
//! `take()` moves them out in argument order. The `TryJoin` never wakes the
//! waker: a `Pending` can only come from an inner future that returned
//! `Pending`, and that future has arranged its own wake-up with the same
//! waker.

use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};

/// Runs `a` and `b` side by side, like `join`, for futures whose output is
/// a `Result`, and gives up on the first error.
///
/// The contract, which the tests check:
///
/// - Every poll polls each inner future that has not finished yet, `a`
///   before `b`. An inner future that has returned `Ready` is never polled
///   again.
/// - If both succeed, the future is `Ready(Ok((a's value, b's value)))` in
///   the very poll in which the last of them finishes, in argument order,
///   whichever finished first.
/// - As soon as either returns `Err(e)`, the future is `Ready(Err(e))` in
///   that same poll: in a poll where `a` fails, `b` is not polled. Before
///   that poll returns, the other future is dropped (cancelled), and so is
///   any value that already came out of it.
/// - The only wake-ups are those the inner futures make: it never wakes
///   the waker itself, and its `poll` never blocks.
pub fn try_join<A, B, T, U, E>(a: A, b: B) -> impl Future<Output = Result<(T, U), E>>
where
    A: Future<Output = Result<T, E>> + Unpin,
    B: Future<Output = Result<U, E>> + Unpin,
{
    TryJoin {
        a: Some(a),
        b: Some(b),
        a_value: None,
        b_value: None,
    }
}

/// The future behind [`try_join`]. A slot is `None` once its future has
/// finished (or been cancelled); a value is `Some` once it has arrived.
struct TryJoin<A, B, T, U> {
    a: Option<A>,
    b: Option<B>,
    a_value: Option<T>,
    b_value: Option<U>,
}

// The values are never pinned: `poll` only moves them in and out. So
// `TryJoin` may move whenever the futures can, whatever `T` and `U` are.
impl<A: Unpin, B: Unpin, T, U> Unpin for TryJoin<A, B, T, U> {}

impl<A, B, T, U, E> Future for TryJoin<A, B, T, U>
where
    A: Future<Output = Result<T, E>> + Unpin,
    B: Future<Output = Result<U, E>> + Unpin,
{
    type Output = Result<(T, U), E>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let this = self.get_mut();
        if let Some(a) = this.a.as_mut()
            && let Poll::Ready(result) = Pin::new(a).poll(cx)
        {
            this.a = None;
            match result {
                Ok(value) => this.a_value = Some(value),
                Err(e) => {
                    // Cancel the other side now: drop its future and value.
                    this.b = None;
                    this.b_value = None;
                    return Poll::Ready(Err(e));
                }
            }
        }
        if let Some(b) = this.b.as_mut()
            && let Poll::Ready(result) = Pin::new(b).poll(cx)
        {
            this.b = None;
            match result {
                Ok(value) => this.b_value = Some(value),
                Err(e) => {
                    this.a = None;
                    this.a_value = None;
                    return Poll::Ready(Err(e));
                }
            }
        }
        if this.a_value.is_some() && this.b_value.is_some() {
            let a = this.a_value.take().expect("checked above");
            let b = this.b_value.take().expect("checked above");
            return Poll::Ready(Ok((a, b)));
        }
        // An unfinished future returned Pending and arranged its own
        // wake-up with this same waker: nothing more to do.
        Poll::Pending
    }
}
