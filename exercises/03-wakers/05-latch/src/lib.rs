//! A countdown latch: any number of tasks wait until a count, lowered from
//! any thread, reaches zero.
//!
//! This is the chapter's challenge: the signatures and the contract are
//! given, the design is yours. Add fields, types and a `Drop` impl as you
//! need; keep the public signatures, which the tests use.

use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};

// ANCHOR: contract
/// A count that tasks wait on until it reaches zero.
///
/// - `Latch::new(n)` starts at `n`. Clones of a latch share one count.
/// - [`Latch::count_down`] lowers the count by one, from any thread; at
///   zero it does nothing more.
/// - [`Latch::wait`] returns a future, a *waiter*, that is `Ready(())` once
///   the count is zero. Any number of waiters may wait at once, on any
///   tasks and threads.
///
/// The waiters' wakers:
///
/// - while the count is above zero, a waiter's `poll` returns `Pending` and
///   does not wake its own waker;
/// - when the count reaches zero, every waiter that is `Pending` has the
///   waker of its *latest* poll woken, exactly once; wakers from earlier
///   polls of that waiter are not woken;
/// - no timing loses a wake-up: if the count reaches zero on another thread
///   while a waiter is being polled, that poll returns `Ready` or its waker
///   is woken;
/// - a waiter polled again with a waker that wakes the same task as the
///   one it registered does not clone it again;
/// - nothing is kept that is no longer needed: a waiter that is dropped, or
///   that has returned `Ready`, leaves no clone of its wakers behind, and
///   once the count is zero the latch keeps no waker at all;
/// - wakers are woken with no lock held: a woken task may poll its waiter
///   at once, even inside `wake`.
#[derive(Clone)]
pub struct Latch {
    // TODO: what the latch, its clones and its waiters share.
}

/// A future that is `Ready` once its latch's count is zero.
pub struct Wait {
    // TODO: what a waiter needs to find its latch and its own waker.
}

impl Latch {
    /// A latch whose count starts at `count`.
    pub fn new(count: usize) -> Latch {
        let _ = count;
        todo!("Latch::new")
    }

    /// Lowers the count by one; wakes every waiter when it reaches zero.
    /// Does nothing once the count is zero.
    pub fn count_down(&self) {
        todo!("Latch::count_down")
    }

    /// The current count.
    pub fn count(&self) -> usize {
        todo!("Latch::count")
    }

    /// A new waiter: a future that is `Ready` once the count is zero.
    pub fn wait(&self) -> Wait {
        todo!("Latch::wait")
    }
}

impl Future for Wait {
    type Output = ();

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        let _ = cx;
        todo!("Wait::poll")
    }
}
// ANCHOR_END: contract
