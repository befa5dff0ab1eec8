//! A stream adapter written by hand: drop consecutive duplicates.
//!
//! Why this works: `poll_next` loops over what `inner` has ready. A
//! duplicate is skipped by going round the loop again, not by returning
//! `Pending`, so `Pending` is returned only right after `inner` returned
//! it, and `inner` has then registered this poll's waker: nobody else
//! needs to wake the task, and `Dedup` never does. The loop cannot spin,
//! because every turn consumes an item of `inner`. An item that differs
//! from the last one is yielded at once, and a clone of it kept to compare
//! the next. The `done` flag remembers that `inner` ended, so every later
//! poll answers `Ready(None)` without touching `inner`, which the `Stream`
//! trait allows to panic or to yield more after its end. `inner` is a
//! pinned field projected with pin-project-lite, so any stream works, also
//! one that is not `Unpin`.

use std::pin::Pin;
use std::task::{Context, Poll};

use futures::Stream;
use pin_project_lite::pin_project;

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
        last: Option<S::Item>,
        done: bool,
    }
}

impl<S: Stream> Dedup<S> {
    pub fn new(inner: S) -> Self {
        Dedup {
            inner,
            last: None,
            done: false,
        }
    }
}

impl<S> Stream for Dedup<S>
where
    S: Stream,
    S::Item: Clone + PartialEq,
{
    type Item = S::Item;

    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<S::Item>> {
        let mut this = self.project();
        if *this.done {
            return Poll::Ready(None); // never poll a finished stream again
        }
        loop {
            // A `Pending` of `inner` is passed on: `inner` has the waker.
            match this.inner.as_mut().poll_next(cx) {
                Poll::Pending => return Poll::Pending,
                Poll::Ready(None) => {
                    *this.done = true;
                    return Poll::Ready(None);
                }
                Poll::Ready(Some(item)) => {
                    if this.last.as_ref() == Some(&item) {
                        continue; // a duplicate: look at the next item now
                    }
                    *this.last = Some(item.clone());
                    return Poll::Ready(Some(item));
                }
            }
        }
    }
}
