//! A paginated API as a lazy stream: of pages, then of items.

use std::fmt;
use std::future::Future;

use futures::stream::{self, Stream};

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

// ANCHOR: contract
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
    // TODO
    let _ = api;
    stream::poll_fn(|_| todo!("pages is not written yet"))
}

/// Every item of every page of `api`, in order; a failed fetch is yielded
/// as its `Err`, and then the stream ends.
///
/// - Lazy, item by item: a page is fetched only when the stream is asked
///   for the item after the last item of the page before it.
pub fn items<A: Api>(api: A) -> impl Stream<Item = Result<u32, FetchError>> {
    // TODO
    let _ = api;
    stream::poll_fn(|_| todo!("items is not written yet"))
}
// ANCHOR_END: contract
