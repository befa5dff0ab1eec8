//! Fetch many things concurrently, but never too many at once, with the
//! bounded buffer written by hand.
//!
//! The challenge: write it from its contract. The tests say what went
//! wrong; the pages of the Streams chapter have what you need.

use std::future::Future;

use futures::stream::{self, Stream};

// ANCHOR: contract
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
///   stream never holds an id whose fetch has not been made.
/// - Every id's result is yielded once; then, once `ids` has ended, the
///   stream ends. `ids` is not polled again after it has ended.
/// - Dropping the stream cancels the fetches in flight (drops them).
///
/// Panics at once, before returning, if `limit` is 0: no fetch could
/// ever run.
///
/// Written by hand: `buffer_unordered`, `buffered` and
/// `for_each_concurrent` (which do this job) are off limits.
pub fn fetch_all<S, F, Fut>(
    ids: S,
    limit: usize,
    fetch: F,
) -> impl Stream<Item = (u32, Fut::Output)>
where
    S: Stream<Item = u32>,
    F: FnMut(u32) -> Fut,
    Fut: Future,
{
    // TODO
    let _ = (ids, limit, fetch);
    stream::poll_fn(|_| todo!("fetch_all is not written yet"))
}
// ANCHOR_END: contract
