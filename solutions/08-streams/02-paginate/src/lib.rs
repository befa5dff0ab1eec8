//! A paginated API as a lazy stream: of pages, then of items.
//!
//! Why this works: `stream::unfold` calls its closure only inside
//! `poll_next`, with the state that the step before returned, so nothing
//! is fetched when the stream is made, and the fetch of a page starts only
//! when the stream is polled for that page. The state says which page comes
//! next: the first, the one after a cursor, or none, so the last page (its
//! `next` is `None`) is still yielded and only the step after it ends the
//! stream. A failed fetch moves the state to "none" too, so the error is
//! yielded once and the stream ends instead of fetching again. `items`
//! turns each page into a stream of `Ok` items and flattens them with
//! `TryStreamExt::try_flatten`, which polls `pages` for the next page only
//! once the current page's items are used up, and passes an `Err` on.

use std::fmt;
use std::future::Future;

use futures::stream::{self, Stream, TryStreamExt};

// ANCHOR: api
/// One page, as the API returns it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Page {
    pub items: Vec<u32>,
    /// The cursor that fetches the next page; `None` on the last page.
    pub next: Option<String>,
}

/// A paginated API.
pub trait Api {
    /// Fetches one page: the first with `None`, every other one with the
    /// cursor that the page before it gave.
    fn fetch(&self, cursor: Option<String>) -> impl Future<Output = Result<Page, FetchError>>;
}
// ANCHOR_END: api

/// Why a fetch failed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FetchError(pub String);

impl fmt::Display for FetchError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "fetch failed: {}", self.0)
    }
}

impl std::error::Error for FetchError {}

/// Which page the stream fetches next.
enum Next {
    First,
    After(String),
    Done,
}

/// The items of each page of `api`, one page per stream item, in order.
///
/// - Lazy: creating the stream fetches nothing. Each page is fetched when
///   the stream is asked for it, not before: while the caller holds page
///   `n`, page `n + 1` has not been fetched.
/// - Each page is fetched once, with the cursor that the page before it
///   gave (`None` for the first).
/// - Every page is yielded, the last one (whose `next` is `None`) and empty
///   ones included; after the last page the stream ends, fetching nothing
///   more.
/// - A failed fetch is yielded as its `Err`, and then the stream ends.
pub fn pages<A: Api>(api: A) -> impl Stream<Item = Result<Vec<u32>, FetchError>> {
    stream::unfold((api, Next::First), |(api, next)| async move {
        let cursor = match next {
            Next::First => None,
            Next::After(cursor) => Some(cursor),
            Next::Done => return None, // the page before was the last
        };
        match api.fetch(cursor).await {
            Ok(page) => {
                let next = page.next.map_or(Next::Done, Next::After);
                Some((Ok(page.items), (api, next)))
            }
            Err(error) => Some((Err(error), (api, Next::Done))),
        }
    })
}

/// Every item of every page of `api`, in order; a failed fetch is yielded
/// as its `Err`, and then the stream ends.
///
/// - Lazy, item by item: a page is fetched only when the stream is asked
///   for the item after the last item of the page before it.
pub fn items<A: Api>(api: A) -> impl Stream<Item = Result<u32, FetchError>> {
    pages(api)
        .map_ok(|items| stream::iter(items.into_iter().map(Ok)))
        .try_flatten()
}
