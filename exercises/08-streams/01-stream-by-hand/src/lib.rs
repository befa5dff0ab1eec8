//! A stream adapter written by hand: drop consecutive duplicates.

use std::pin::Pin;
use std::task::{Context, Poll};

use futures::Stream;
use pin_project_lite::pin_project;

// ANCHOR: contract
pin_project! {
    /// Yields the items of `inner`, except an item equal to the one it
    /// yielded just before, like the shell's `uniq`: `1, 1, 2, 2, 2, 1`
    /// becomes `1, 2, 1`.
    ///
    /// The contract, which the tests check:
    ///
    /// - Each item is yielded as soon as `inner` yields it: `Dedup` never
    ///   waits for the next item to decide about this one.
    /// - `Pending` only when `inner` returned `Pending` in this very poll:
    ///   then `inner` has arranged the wake-up. A skipped duplicate is no
    ///   reason to return `Pending`, and `Dedup` never wakes the task
    ///   itself. However long a run of duplicates, skipping it takes no
    ///   more stack than skipping one.
    /// - Once `inner` has returned `Ready(None)`, `Dedup` returns
    ///   `Ready(None)` on this and every later poll, and never polls
    ///   `inner` again (a finished stream may panic, or yield more).
    /// - `inner` need not be `Unpin`.
    pub struct Dedup<S: Stream> {
        #[pin]
        inner: S,
        // TODO: the fields you need.
    }
}

impl<S: Stream> Dedup<S> {
    pub fn new(inner: S) -> Self {
        // TODO
        Dedup { inner }
    }
}

impl<S> Stream for Dedup<S>
where
    S: Stream,
    S::Item: Clone + PartialEq,
{
    type Item = S::Item;

    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<S::Item>> {
        // TODO: keep the contract in the doc comment of `Dedup`.
        let _ = (self.project().inner, cx);
        todo!("Dedup::poll_next is not written yet")
    }
}
// ANCHOR_END: contract
