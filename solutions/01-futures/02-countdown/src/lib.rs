//! A future written by hand: count down, then lift off.
//!
//! Why this works: after a `Pending`, the only poll a future can count on
//! is the one an executor makes after its waker is woken (it may poll at
//! other times too, but promises nothing). Each `Pending` below is preceded
//! by `wake_by_ref()`, so the executor knows at once that another poll will
//! make progress; `poll` itself never waits, it returns at once. The
//! count drops by exactly one per poll, so `Countdown::new(n)` answers
//! `Pending` n times and is `Ready` on poll n + 1. At zero no wake-up is
//! needed: `Ready` ends the future.

use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};

/// Counts down from `n` to zero, one step per poll, then finishes with
/// `"liftoff"`.
///
/// The contract, which the tests check:
///
/// - `Countdown::new(n)` returns `Pending` on each of its first `n` polls
///   and `Ready("liftoff")` on poll `n + 1`; `remaining()` drops by one with
///   each `Pending`. So `Countdown::new(2)` returns `Pending`, `Pending`,
///   then `Ready("liftoff")`, and `Countdown::new(0)` is ready at once.
/// - After each `Pending` the executor must poll it again, though nothing
///   outside this future knows that it is not finished: each `Pending`
///   comes with exactly one wake-up of the task, and `Ready` with none.
/// - Each `poll` returns at once: it never blocks or waits.
/// - Polled again after `Ready`, it stays finished: it returns
///   `Ready("liftoff")` again, with no wake-up, and `remaining()` stays 0.
pub struct Countdown {
    remaining: u32,
}

impl Countdown {
    pub fn new(from: u32) -> Self {
        Countdown { remaining: from }
    }

    /// How many more times `poll` will return `Pending`.
    pub fn remaining(&self) -> u32 {
        self.remaining
    }
}

impl Future for Countdown {
    type Output = &'static str;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        if self.remaining == 0 {
            return Poll::Ready("liftoff");
        }
        self.remaining -= 1;
        // Ready to make progress right away: ask to be polled again.
        cx.waker().wake_by_ref();
        Poll::Pending
    }
}
