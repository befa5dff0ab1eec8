//! Fetch many things concurrently, but never too many at once, with the
//! bounded buffer written by hand.
//!
//! Why this works: the stream is a `poll_fn` whose closure owns three
//! things: `ids`, pinned in a `Box` so that any stream works; a
//! `FuturesUnordered` holding the fetches in flight; and a flag that
//! remembers that `ids` has ended, so it is never polled again (a finished
//! stream may panic). Each poll first fills the free slots: while fewer
//! than `limit` fetches are in flight, it takes the next id, makes its
//! fetch and pushes it, so an id is taken only when its fetch can start,
//! and every free slot is filled in the same poll. A `Pending` from `ids`
//! stops the filling, and `ids` then holds the waker. Then it polls the
//! set, which polls the fetches that were woken (and every new one) and
//! hands out the first to finish, whatever its id. An empty set ends the
//! stream only once `ids` has ended; before that, `ids` returned `Pending`
//! in this poll and will wake the task. Nothing runs before the first poll,
//! because the closure runs only inside `poll_next`, and dropping the
//! stream drops the set with the fetches in it. `limit` 0 is refused up
//! front, since no slot would ever be free.

use std::future::Future;
use std::task::Poll;

use futures::stream::{self, FuturesUnordered, Stream, StreamExt};

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
    mut fetch: F,
) -> impl Stream<Item = (u32, Fut::Output)>
where
    S: Stream<Item = u32>,
    F: FnMut(u32) -> Fut,
    Fut: Future,
{
    assert!(limit > 0, "fetch_all: limit must be at least 1");
    let mut ids = Box::pin(ids);
    let mut ids_ended = false;
    let mut in_flight = FuturesUnordered::new();
    stream::poll_fn(move |cx| {
        // Fill every free slot now; an id is taken only for a free slot.
        while !ids_ended && in_flight.len() < limit {
            match ids.as_mut().poll_next(cx) {
                Poll::Ready(Some(id)) => {
                    let fetching = fetch(id);
                    in_flight.push(async move { (id, fetching.await) });
                }
                Poll::Ready(None) => ids_ended = true,
                Poll::Pending => break, // `ids` holds the waker
            }
        }
        match in_flight.poll_next_unpin(cx) {
            Poll::Ready(Some(result)) => Poll::Ready(Some(result)),
            // Nothing in flight: the end, unless `ids` is only Pending.
            Poll::Ready(None) if ids_ended => Poll::Ready(None),
            Poll::Ready(None) | Poll::Pending => Poll::Pending,
        }
    })
}
