//! A future written by hand: count down, then lift off.

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

// ANCHOR: poll
impl Future for Countdown {
    type Output = &'static str;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        // TODO: while `remaining` is above zero, count down by one and return
        // `Poll::Pending`. Before you do, make sure this future will be polled
        // again: nothing else knows it is not finished yet.
        // At zero, return `Poll::Ready("liftoff")`.
        let _ = cx;
        Poll::Pending
    }
}
// ANCHOR_END: poll
