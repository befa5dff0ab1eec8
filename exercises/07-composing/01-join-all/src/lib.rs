//! Many futures at once: every output in the order asked, or each output
//! the moment it is ready.

use std::future::Future;

// ANCHOR: contract
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
    // TODO
    let _ = (ids, fetch);
    todo!("fetch_all is not written yet")
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
pub async fn fetch_each<F, Fut, R>(ids: &[u32], fetch: F, report: R)
where
    F: Fn(u32) -> Fut,
    Fut: Future,
    R: FnMut(u32, Fut::Output),
{
    // TODO
    let _ = (ids, fetch, report);
    todo!("fetch_each is not written yet")
}
// ANCHOR_END: contract
