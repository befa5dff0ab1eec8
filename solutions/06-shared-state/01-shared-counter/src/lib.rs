//! A total shared by many tasks, each new value of which goes to a journal.
//!
//! Why this works: the total and the journal write must change together:
//! between reading the total and the journal entry landing, no other `add`
//! may read the total or start its own write, or the journal's order (and,
//! with a read-then-write, the total itself) goes wrong. So the critical
//! section has to span the journal's `.await`, and that is the one case
//! for tokio's `Mutex`: its guard may be held across an `.await` and is
//! `Send`, so `add` stays spawnable, and while one task holds it the
//! others wait without blocking the thread, in the order they asked
//! (tokio's `Mutex` is fair). A `std::sync::Mutex` guard held there would
//! make the future `!Send`, and one released before the `.await` would let
//! another task in between.

mod journal;

use std::sync::Arc;

use tokio::sync::Mutex;

pub use journal::Journal;

/// A running total shared by many tasks. Clones share the same total and
/// the same journal.
///
/// Every new total is written to the [`Journal`], which is slow: a write
/// takes a few turns of the runtime.
#[derive(Clone)]
pub struct Counter {
    journal: Journal,
    total: Arc<Mutex<u64>>,
}

impl Counter {
    /// A counter at 0 that writes to `journal`.
    pub fn new(journal: Journal) -> Counter {
        Counter {
            journal,
            total: Arc::new(Mutex::new(0)),
        }
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
        // Held across the write: the next `add` reads the total only after
        // this one's entry has landed.
        let mut total = self.total.lock().await;
        *total += n;
        self.journal.write(*total).await;
        *total
    }

    /// The total: the sum of every `add` that has returned.
    pub async fn total(&self) -> u64 {
        *self.total.lock().await
    }
}
