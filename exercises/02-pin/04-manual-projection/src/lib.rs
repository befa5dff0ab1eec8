//! Timed: run a future and report how many polls and how much time it took.
//!
//! No macro this time: the projection from `Pin<&mut Timed<F>>` to its
//! fields is written by hand, with `unsafe`.
#![warn(clippy::undocumented_unsafe_blocks)]

use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::Duration;

use tokio::time::Instant;

/// What a [`Timed`] future finishes with.
#[derive(Debug, PartialEq, Eq)]
pub struct Timing<T> {
    /// The inner future's output.
    pub output: T,
    /// How many times the inner future was polled, the last poll included.
    pub polls: u32,
    /// Time from the start of the first poll (before the inner future is
    /// polled) to the moment the inner future returned `Ready` (after that
    /// last inner poll), on tokio's clock (so paused time in tests gives
    /// exact values).
    pub elapsed: Duration,
}

// ANCHOR: timed
/// Wraps `future` and measures it: see [`Timing`].
///
/// `future` may be `!Unpin`. `Timed` keeps it pinned (structural pinning);
/// `started` and `polls` are plain bookkeeping and are never pinned.
pub struct Timed<F> {
    future: F,
    started: Option<Instant>,
    polls: u32,
}
// ANCHOR_END: timed

impl<F> Timed<F> {
    pub fn new(future: F) -> Self {
        Timed {
            future,
            started: None,
            polls: 0,
        }
    }

    // ANCHOR: project
    /// Splits a pinned `Timed` into its fields: the future stays pinned,
    /// the bookkeeping fields come out as plain `&mut`.
    fn project(self: Pin<&mut Self>) -> (Pin<&mut F>, &mut Option<Instant>, &mut u32) {
        // TODO: split the pinned `Timed` into its fields: the future still
        // pinned, `started` and `polls` as plain `&mut`. Above each `unsafe`
        // block, a `// SAFETY:` comment says why its promise holds.
        // (Reading a field through the pin, as here, is always allowed.)
        let _ = (&self.future, &self.started, &self.polls);
        todo!(
            "project by hand: split `Pin<&mut Timed<F>>` into its fields, with a \
             `// SAFETY:` comment above each `unsafe` block"
        )
    }
    // ANCHOR_END: project
}

// ANCHOR: poll
impl<F: Future> Future for Timed<F> {
    type Output = Timing<F::Output>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let (future, started, polls) = self.project();
        // TODO: keep the contract of `Timing`: count every poll, measure
        // from the first poll to the one that returns `Ready`, and be
        // `Pending` exactly when the inner future is.
        let _ = (future, started, polls, cx);
        todo!("poll the projected future and fill in a `Timing`")
    }
}
// ANCHOR_END: poll
