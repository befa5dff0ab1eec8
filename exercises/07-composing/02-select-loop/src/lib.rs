//! A batcher: items from a channel, handed on in batches, by size or by
//! age, until the channel ends or a shutdown comes.

use std::future::Future;
use std::time::Duration;

use tokio::sync::mpsc::Receiver;

// ANCHOR: contract
/// When a batch is complete.
#[derive(Clone, Copy, Debug)]
pub struct Limits {
    /// A batch is flushed as soon as it holds this many items (at least 1).
    pub max_items: usize,
    /// A batch is flushed at the latest this long after its first item
    /// was received.
    pub max_delay: Duration,
}

/// Receives items from `items` and hands them to `flush` in batches, each
/// batch in the order received. Call it inside a tokio runtime.
///
/// - A batch is flushed as soon as it holds `limits.max_items` items, or
///   `limits.max_delay` after its first item was received, whichever
///   comes first: also while more items keep arriving. A batch is never
///   empty.
/// - When the channel ends (every sender dropped), the batch in progress
///   is flushed, and `batch` returns.
/// - When `shutdown` completes, `batch` receives no more items, not even
///   those already waiting in the channel (they stay there, for whoever
///   reads it next); the batch in progress is flushed, and `batch`
///   returns. A shutdown wins over items that are ready at the same time.
pub async fn batch<T>(
    items: &mut Receiver<T>,
    limits: Limits,
    shutdown: impl Future<Output = ()>,
    flush: impl FnMut(Vec<T>),
) {
    // TODO
    let _ = (items, limits, shutdown, flush);
    todo!("batch is not written yet")
}
// ANCHOR_END: contract
