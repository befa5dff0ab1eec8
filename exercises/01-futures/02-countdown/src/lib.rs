//! A future written by hand: count down, then lift off.

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

// ANCHOR: poll
impl Future for Countdown {
    type Output = &'static str;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        // TODO: keep the contract in the doc comment of `Countdown`.
        let _ = cx;
        Poll::Pending
    }
}
// ANCHOR_END: poll
