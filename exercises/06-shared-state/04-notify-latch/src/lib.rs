//! A latch: a gate that many tasks wait at, opened once, for good.
//!
//! The challenge: write it from its contract. The tests say what went
//! wrong; the pages of the Shared state chapter have what you need.

// ANCHOR: contract
/// A gate that starts closed; [`open`](Latch::open) opens it for good.
/// Share it between tasks and threads (in an `Arc`).
#[derive(Default)]
pub struct Latch {
    // TODO: your fields.
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
        // TODO
        todo!("Latch::open is not written yet")
    }

    /// Whether the latch is open.
    pub fn is_open(&self) -> bool {
        // TODO
        todo!("Latch::is_open is not written yet")
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
        // TODO
        todo!("Latch::wait is not written yet")
    }
}
// ANCHOR_END: contract
