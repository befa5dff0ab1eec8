//! Many futures at once: every output in the order asked, or each output
//! the moment it is ready.
//!
//! Why this works: calling `fetch` only creates the futures; nothing runs
//! until they are polled. `join_all` owns all of them and polls every one
//! that is not finished each time it is polled, so their waits overlap and
//! the call ends when the slowest is done; it keeps each output in its
//! slot and returns them in the order the futures were given. A
//! `FuturesUnordered` also owns and polls all of them, but it is a stream
//! that yields each output as soon as its future finishes, so `report` is
//! called at that moment; `next()` returns `None` once the set is empty,
//! which ends the loop (at once, when there were no ids). Both stay in the
//! caller's task: no spawn, so nothing has to be `Send` or `'static`.

use std::future::Future;

use futures::future::join_all;
use futures::stream::{FuturesUnordered, StreamExt};

/// Fetches every id in `ids` and returns the outputs in the order of
/// `ids`.
///
/// - Concurrency: every fetch is in flight at the same time, so the call
///   takes as long as the slowest fetch, not as long as all of them added
///   up. It runs in the caller's task: the fetches need not be `Send` or
///   `'static`.
/// - `fetch` is called once per id, in the order of `ids`.
/// - No ids: an empty `Vec`, at once.
pub async fn fetch_all<F, Fut>(ids: &[u32], fetch: F) -> Vec<Fut::Output>
where
    F: Fn(u32) -> Fut,
    Fut: Future,
{
    join_all(ids.iter().map(|&id| fetch(id))).await
}

/// Fetches every id in `ids` and hands each output, with its id, to
/// `report` the moment its fetch finishes: the fastest first. Returns once
/// every output has been reported.
///
/// - Concurrency: as for [`fetch_all`], every fetch is in flight at the
///   same time, in the caller's task.
/// - Each output is reported once, when its own fetch finishes: a fast
///   fetch is not held back until the slow ones are done.
/// - `fetch` is called once per id. No ids: returns at once.
pub async fn fetch_each<F, Fut, R>(ids: &[u32], fetch: F, mut report: R)
where
    F: Fn(u32) -> Fut,
    Fut: Future,
    R: FnMut(u32, Fut::Output),
{
    let fetch = &fetch;
    // Each future carries its id, so the output can be reported with it.
    let mut in_flight: FuturesUnordered<_> = ids
        .iter()
        .map(|&id| async move { (id, fetch(id).await) })
        .collect();
    while let Some((id, output)) = in_flight.next().await {
        report(id, output);
    }
}
