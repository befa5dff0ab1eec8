//! A batcher: items from a channel, handed on in batches, by size or by
//! age, until the channel ends or a shutdown comes.
//!
//! Why this works: every turn of the loop runs one `select!`, which
//! creates the futures of its branches, polls them, and drops the losers
//! before the winning handler runs. A `recv()` created anew each turn is
//! fine: it is cancel-safe, and a dropped `recv` loses no item. The timer
//! is different: a `sleep` written inside the `select!` would start over
//! on every turn, so a steady stream of items would keep pushing the
//! deadline back and a batch would only ever end by size. So the timer
//! and the shutdown future are created and pinned once, before the loop,
//! and each turn polls them through `&mut`, which the `select!` drops
//! without dropping them. The deadline is moved (`reset`) when a batch
//! gets its first item, and its branch is disabled (`if`) while there is
//! no batch, because a `Sleep` that has fired is ready on every poll.
//! `biased;` polls the branches in the order written, so a completed
//! shutdown is seen before any waiting item; without it, `select!`
//! starts at a random branch on every poll and would take items after
//! the shutdown. `recv` returning `None` (the channel ended) and the
//! shutdown both leave the loop, and the batch in progress is flushed.

use std::future::Future;
use std::mem;
use std::pin::pin;
use std::time::Duration;

use tokio::sync::mpsc::Receiver;
use tokio::time::{Instant, sleep};

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
    mut flush: impl FnMut(Vec<T>),
) {
    let mut shutdown = pin!(shutdown);
    // One timer for the whole loop, moved to each batch's deadline.
    let mut deadline = pin!(sleep(limits.max_delay));
    let mut batch = Vec::new();
    loop {
        tokio::select! {
            biased;
            () = &mut shutdown => break,
            () = &mut deadline, if !batch.is_empty() => flush(mem::take(&mut batch)),
            item = items.recv() => {
                let Some(item) = item else { break };
                if batch.is_empty() {
                    deadline.as_mut().reset(Instant::now() + limits.max_delay);
                }
                batch.push(item);
                if batch.len() >= limits.max_items {
                    flush(mem::take(&mut batch));
                }
            }
        }
    }
    if !batch.is_empty() {
        flush(batch);
    }
}
