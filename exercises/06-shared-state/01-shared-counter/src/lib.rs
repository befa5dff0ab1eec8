//! A total shared by many tasks, each new value of which goes to a journal.

mod journal;

pub use journal::Journal;

// ANCHOR: contract
/// A running total shared by many tasks. Clones share the same total and
/// the same journal.
///
/// Every new total is written to the [`Journal`], which is slow: a write
/// takes a few turns of the runtime.
#[derive(Clone)]
pub struct Counter {
    journal: Journal,
    // TODO: the shared total.
}

impl Counter {
    /// A counter at 0 that writes to `journal`.
    pub fn new(journal: Journal) -> Counter {
        // TODO
        Counter { journal }
    }

    /// Adds `n` to the total, writes the new total to the journal, and
    /// returns it once it is written.
    ///
    /// - No update is lost: however many tasks add at once, on one thread
    ///   or many, the total ends up as the sum of everything added.
    /// - The journal is in order: its entries are the totals one after the
    ///   other, each the one before plus the `n` of one `add`, so a reader
    ///   of the journal can replay it.
    /// - The future is `Send`, so it can be awaited in a spawned task.
    pub async fn add(&self, n: u64) -> u64 {
        // TODO
        let _ = (&self.journal, n);
        todo!("Counter::add is not written yet")
    }

    /// The total: the sum of every `add` that has returned.
    pub async fn total(&self) -> u64 {
        // TODO
        todo!("Counter::total is not written yet")
    }
}
// ANCHOR_END: contract
