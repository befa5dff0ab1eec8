//! One sender, many receivers: a follower of a broadcast channel that may
//! fall behind, and a watcher of a configuration that changes.

use tokio::sync::{broadcast, mpsc, watch};

/// What a follower saw of a stream of events.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Seen {
    /// The events received, in the order they were sent.
    pub events: Vec<u32>,
    /// How many events it missed because it fell behind.
    pub missed: u64,
}

// ANCHOR: contract
/// Receives events until the channel ends (every sender is dropped, and
/// every event still in the channel has been received), and returns what
/// it saw.
///
/// A follower that falls behind, so that the channel drops events before
/// it has received them, carries on: it counts the events it missed in
/// `missed` and goes on with the events the channel still holds.
pub async fn follow(events: broadcast::Receiver<u32>) -> Seen {
    // TODO
    drop(events);
    todo!("follow is not written yet")
}

/// Reports the configuration on `reports`: its value at once, then the
/// latest value each time it changes, until the configuration's sender is
/// dropped (its last value reported), then returns.
///
/// - Changes that come faster than it reports may be skipped, but the
///   latest value is always reported, and a change is never reported twice.
/// - A report is never stale: once the watcher has run, the last value
///   reported is the configuration's current value.
pub async fn watch_config(config: watch::Receiver<String>, reports: mpsc::Sender<String>) {
    // TODO
    drop((config, reports));
    todo!("watch_config is not written yet")
}
// ANCHOR_END: contract
