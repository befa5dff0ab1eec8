//! Timed: run a future and report how many polls and how much time it took.
//!
//! No macro this time: the projection from `Pin<&mut Timed<F>>` to its
//! fields is written by hand, with `unsafe`.
//!
//! Why this works: `project` hands out the `future` field only as
//! `Pin<&mut F>` and the two bookkeeping fields only as plain `&mut`, and
//! nothing else in this file touches the fields of a pinned `Timed`. That
//! keeps the promises `Pin` asks for. The future is never moved: no code
//! swaps, replaces or takes it, and the plain `&mut` references reach only
//! the other fields. `Timed` is `Unpin` exactly when `F` is, because the
//! compiler derives `Unpin` from the fields and no `impl Unpin` overrides
//! that, so safe code cannot move a pinned `Timed` with a `!Unpin` future
//! inside. `Timed` has no `Drop` impl that could move the future and is not
//! `#[repr(packed)]`, so the future is dropped in place. The clock starts
//! at the first poll, not at `new`, because a future does nothing until it
//! is polled.
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

/// Wraps `future` and measures it: see [`Timing`].
///
/// `future` may be `!Unpin`. `Timed` keeps it pinned (structural pinning);
/// `started` and `polls` are plain bookkeeping and are never pinned.
pub struct Timed<F> {
    future: F,
    started: Option<Instant>,
    polls: u32,
}

impl<F> Timed<F> {
    pub fn new(future: F) -> Self {
        Timed {
            future,
            started: None,
            polls: 0,
        }
    }

    /// Splits a pinned `Timed` into its fields: the future stays pinned,
    /// the bookkeeping fields come out as plain `&mut`.
    fn project(self: Pin<&mut Self>) -> (Pin<&mut F>, &mut Option<Instant>, &mut u32) {
        // SAFETY: the `&mut Timed` never escapes this function, and it is
        // used only to borrow the three fields below; none of them is moved
        // here. The future's address stays where the pin put it.
        let this = unsafe { self.get_unchecked_mut() };
        // SAFETY: `future` is structurally pinned: it is only ever handed out
        // as `Pin<&mut F>`, never as `&mut F`; `Timed` is `Unpin` only if
        // `F` is; no `Drop` impl moves it; `Timed` is not `repr(packed)`.
        let future = unsafe { Pin::new_unchecked(&mut this.future) };
        // `started` and `polls` are not structurally pinned: plain `&mut`.
        (future, &mut this.started, &mut this.polls)
    }
}

impl<F: Future> Future for Timed<F> {
    type Output = Timing<F::Output>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let (future, started, polls) = self.project();
        let started = *started.get_or_insert_with(Instant::now);
        *polls += 1;
        match future.poll(cx) {
            Poll::Ready(output) => Poll::Ready(Timing {
                output,
                polls: *polls,
                elapsed: started.elapsed(),
            }),
            Poll::Pending => Poll::Pending,
        }
    }
}
