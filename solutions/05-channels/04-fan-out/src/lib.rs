//! One sender, many receivers: a follower of a broadcast channel that may
//! fall behind, and a watcher of a configuration that changes.
//!
//! Why this works: a broadcast receiver's `recv` reports falling behind as
//! `Err(RecvError::Lagged(n))`, where `n` is the number of events the
//! channel dropped before this receiver saw them; the receiver has already
//! moved on to the oldest event still held, so the next `recv` returns it.
//! `follow` adds `n` to `missed` and keeps receiving; only
//! `Err(RecvError::Closed)`, which comes after every buffered event, ends
//! it. `watch_config` reads the value with `borrow_and_update`, which marks
//! it seen, so `changed` waits for a newer value instead of returning at
//! once for the one just reported (no report twice), and returns at once
//! if a newer value came while it was reporting (none missed). Each report
//! reads the value at that moment, never a copy from before the wait.
//! `changed` fails only once the sender is gone *and* the latest value has
//! been seen, so the last value is reported before the watcher returns.

use tokio::sync::broadcast::error::RecvError;
use tokio::sync::{broadcast, mpsc, watch};

/// What a follower saw of a stream of events.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Seen {
    /// The events received, in the order they were sent.
    pub events: Vec<u32>,
    /// How many events it missed because it fell behind.
    pub missed: u64,
}

/// Receives events until the channel ends (every sender is dropped, and
/// every event still in the channel has been received), and returns what
/// it saw.
///
/// A follower that falls behind, so that the channel drops events before
/// it has received them, carries on: it counts the events it missed in
/// `missed` and goes on with the events the channel still holds.
pub async fn follow(mut events: broadcast::Receiver<u32>) -> Seen {
    let mut seen = Seen::default();
    loop {
        match events.recv().await {
            Ok(event) => seen.events.push(event),
            // Fell behind: `n` events are gone; the next `recv` returns
            // the oldest one still in the channel.
            Err(RecvError::Lagged(n)) => seen.missed += n,
            Err(RecvError::Closed) => return seen,
        }
    }
}

/// Reports the configuration on `reports`: its value at once, then the
/// latest value each time it changes, until the configuration's sender is
/// dropped (its last value reported), then returns.
///
/// - Changes that come faster than it reports may be skipped, but the
///   latest value is always reported, and a change is never reported twice.
/// - A report is never stale: once the watcher has run, the last value
///   reported is the configuration's current value.
pub async fn watch_config(mut config: watch::Receiver<String>, reports: mpsc::Sender<String>) {
    loop {
        // Read the latest value and mark it seen, in one step.
        let latest = config.borrow_and_update().clone();
        if reports.send(latest).await.is_err() {
            return; // nobody reads the reports any more
        }
        // Waits for a value newer than the one just reported; fails once
        // the sender is gone and nothing unseen is left.
        if config.changed().await.is_err() {
            return;
        }
    }
}
