//! A latch: a gate that many tasks wait at, opened once, for good.
//!
//! Why this works: the latch keeps two things, a flag that says "open"
//! for good and a `Notify` that wakes the tasks already waiting. The flag
//! is needed because `notify_waiters` stores nothing: a task that starts
//! waiting after `open` would otherwise wait forever. (`notify_one` would
//! store a permit, but only one, and wakes one waiter, not all.) `open`
//! sets the flag, then calls `notify_waiters`, which wakes every
//! `Notified` future created before it. `wait` creates its `Notified`
//! *before* it reads the flag: if `open` comes after that creation, the
//! future completes even if it has not been polled yet, and if `open`
//! came before it, the flag already says so. Reading the flag first and
//! creating the future after would leave a gap in which an `open` on
//! another thread is missed. A waiting task is woken once, by `open`,
//! and a dropped `Notified` simply leaves the list of waiters.

use std::sync::atomic::{AtomicBool, Ordering::SeqCst};

use tokio::sync::Notify;

/// A gate that starts closed; [`open`](Latch::open) opens it for good.
/// Share it between tasks and threads (in an `Arc`).
#[derive(Default)]
pub struct Latch {
    open: AtomicBool,
    waiters: Notify,
}

impl Latch {
    /// A closed latch.
    pub fn new() -> Latch {
        Latch::default()
    }

    /// Opens the latch, for good, and wakes every task waiting in
    /// [`wait`](Latch::wait). Opening an open latch does nothing. Never
    /// waits; may be called from any thread.
    pub fn open(&self) {
        // The flag first: a waiter that misses the wake-up below sees it.
        self.open.store(true, SeqCst);
        self.waiters.notify_waiters();
    }

    /// Whether the latch is open.
    pub fn is_open(&self) -> bool {
        self.open.load(SeqCst)
    }

    /// Returns once the latch is open: at once if it is open already,
    /// otherwise as soon as `open` is called.
    ///
    /// - Every waiter returns, however many there are, and whether it
    ///   started waiting before or after `open`.
    /// - Waiting costs nothing: a waiting task is not polled again until
    ///   the latch opens.
    /// - No wake-up is lost when `open` runs on another thread at the
    ///   very moment a task starts waiting.
    /// - The future is `Send`; dropping it affects no other waiter.
    pub async fn wait(&self) {
        // Created before the check: from here on, notify_waiters counts.
        let opened = self.waiters.notified();
        if self.is_open() {
            return;
        }
        opened.await;
    }
}
