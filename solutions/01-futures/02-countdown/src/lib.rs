//! A future written by hand: count down, then lift off.
//!
//! Why this works: an executor polls a future again only after its waker
//! has been woken. Each `Pending` below is preceded by `wake_by_ref()`, so
//! the executor knows at once that another poll will make progress. The
//! count drops by exactly one per poll, so `Countdown::new(n)` answers
//! `Pending` n times and is `Ready` on poll n + 1. At zero no wake-up is
//! needed: `Ready` ends the future.

use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};

/// Counts down from `n` to zero, one step per poll, then finishes with
/// `"liftoff"`.
///
/// `Countdown::new(2)` returns `Pending`, `Pending`, then `Ready("liftoff")`.
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
