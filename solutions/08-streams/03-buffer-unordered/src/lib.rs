//! Fetch many things concurrently, but never too many at once.
//!
//! Why this works: `map` turns each id into a future of `(id, output)`
//! (calling `fetch` there only makes the future; it runs when polled), and
//! `buffer_unordered(limit)` keeps at most `limit` of those futures inside
//! itself, polls them all whenever it is polled, yields each output as soon
//! as its future finishes, and takes the next id from `ids` only when it
//! holds fewer than `limit` futures. So the bound holds, a slow fetch
//! blocks no other (unlike `buffered`, which yields in the order of the ids
//! and counts the finished results waiting behind a slow one against the
//! limit), nothing happens before the first poll, and dropping the stream
//! drops the futures in it, cancelling them. `buffer_unordered(0)` would
//! return `Pending` forever, with no wake-up, hence the check up front.

use std::future::Future;

use futures::stream::{Stream, StreamExt};

/// For every id that `ids` yields, runs `fetch(id)`, and yields
/// `(id, output)` for each, as a stream.
///
/// - Bounded: at most `limit` fetches are in flight at any moment (made and
///   not yet finished); and while the caller keeps asking for results and
///   ids are left, `limit` are: a new fetch starts as soon as one finishes.
/// - In the order they finish: a slow fetch holds back neither the results
///   of the others nor the start of new ones.
/// - Lazy: until the stream is polled, no id is taken from `ids` and no
///   fetch is made. An id is taken only when its fetch can start, so the
///   stream never holds more than `limit` ids whose results it has not
///   yielded.
/// - Every id's result is yielded once; then, once `ids` has ended, the
///   stream ends.
/// - Dropping the stream cancels the fetches in flight (drops them).
///
/// Panics at once, before returning, if `limit` is 0: no fetch could
/// ever run.
pub fn fetch_all<S, F, Fut>(
    ids: S,
    limit: usize,
    mut fetch: F,
) -> impl Stream<Item = (u32, Fut::Output)>
where
    S: Stream<Item = u32>,
    F: FnMut(u32) -> Fut,
    Fut: Future,
{
    assert!(limit > 0, "fetch_all: limit must be at least 1");
    ids.map(move |id| {
        let fetching = fetch(id); // made here, run by buffer_unordered
        async move { (id, fetching.await) }
    })
    .buffer_unordered(limit)
}
