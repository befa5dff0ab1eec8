//! A fake paginated API that records every fetch, shared by the tests.
#![allow(dead_code)]

use std::collections::HashMap;
use std::fmt::Debug;
use std::future::Future;
use std::sync::{Arc, Mutex};

use futures::{Stream, StreamExt};
use futures_test::future::FutureTestExt;
use paginate::{Api, FetchError, Page};
use workbook_support::{Driver, Limits};

/// Pages by cursor (`None` is the first page); a page that is an `Err`
/// fails its fetch. Every call of `fetch` is recorded, and its future is
/// Pending once (waking its task) before it is ready, as a real request
/// would be.
#[derive(Clone)]
pub struct FakeApi {
    pages: Arc<HashMap<Option<String>, Result<Page, FetchError>>>,
    calls: Arc<Mutex<Vec<Option<String>>>>,
}

/// A fake API whose pages are `pages`, in order, with cursors "p2", "p3", ...
pub fn api(pages: &[&[u32]]) -> FakeApi {
    let results = pages.iter().map(|items| Ok(items.to_vec())).collect();
    api_with(results)
}

/// Like [`api`], but a page may be an error.
pub fn api_with(pages: Vec<Result<Vec<u32>, &str>>) -> FakeApi {
    let count = pages.len();
    let cursor = |n: usize| (n > 0).then(|| format!("p{}", n + 1));
    let pages = pages
        .into_iter()
        .enumerate()
        .map(|(n, page)| {
            let page = page
                .map(|items| Page {
                    items,
                    next: (n + 1 < count).then(|| format!("p{}", n + 2)),
                })
                .map_err(|why| FetchError(why.to_owned()));
            (cursor(n), page)
        })
        .collect();
    FakeApi {
        pages: Arc::new(pages),
        calls: Arc::default(),
    }
}

impl FakeApi {
    /// The cursors `fetch` was called with, in order.
    pub fn calls(&self) -> Vec<Option<String>> {
        self.calls.lock().unwrap().clone()
    }

    pub fn call_count(&self) -> usize {
        self.calls.lock().unwrap().len()
    }
}

impl Api for FakeApi {
    fn fetch(&self, cursor: Option<String>) -> impl Future<Output = Result<Page, FetchError>> {
        self.calls.lock().unwrap().push(cursor.clone());
        let page = self.pages.get(&cursor).cloned().unwrap_or_else(|| {
            Err(FetchError(format!(
                "the test API has no page for the cursor {cursor:?}"
            )))
        });
        async move { page }.pending_once()
    }
}

/// Pulls the next item as an executor would: polled again only after a
/// wake-up, and failing if it is Pending without one.
pub fn next<S: Stream + Unpin>(driver: &mut Driver, stream: &mut S) -> Option<S::Item> {
    driver.run(stream.next(), Limits::default())
}

/// Pulls every item until the end; fails if more than `max` come.
pub fn collect<S>(driver: &mut Driver, stream: &mut S, max: usize, api: &FakeApi) -> Vec<S::Item>
where
    S: Stream + Unpin,
    S::Item: Debug,
{
    let mut items = Vec::new();
    while let Some(item) = next(driver, stream) {
        items.push(item);
        assert!(
            items.len() <= max,
            "the stream yielded more than {max} items and has not ended: {items:?}, and went on. \
             The fetches so far, by cursor: {:?}. Likely causes: after the last page (whose \
             `next` is None) the stream starts again from the first page instead of ending; \
             it goes on after an error; or it does not pass each page's cursor to the next \
             fetch.",
            api.calls()
        );
    }
    items
}

pub fn driver() -> Driver {
    let mut driver = Driver::new("the stream's next()");
    driver.when_not_woken(
        "A stream built from `stream::unfold` is Pending only when the future of its step is: \
         is something in your step waiting on a future that never wakes its task?",
    );
    driver
}
