use std::pin::pin;
use std::time::Duration;

use paginate::{FetchError, pages};
use workbook_support::within;

use super::common;
use common::{api, api_with, collect, driver, next};

const LIMIT: Duration = Duration::from_secs(5);

#[test]
fn yields_every_page_in_order_then_ends() {
    within(LIMIT, || {
        let api = api(&[&[1, 2], &[3], &[4, 5]]);
        let mut driver = driver();
        let mut stream = pin!(pages(api.clone()));
        let got = collect(&mut driver, &mut stream, 10, &api);
        assert!(
            got.len() != 2 || got[..] != [Ok(vec![1, 2]), Ok(vec![3])],
            "the stream yielded the first two pages and ended: the last page, [4, 5], is \
             missing. The last page is the one whose `next` is None: it has items too, and the \
             stream must yield them before it ends. Likely cause: the step returns None as soon \
             as a page has no next cursor, instead of yielding that page and ending at the \
             step after it."
        );
        assert_eq!(
            got,
            [Ok(vec![1, 2]), Ok(vec![3]), Ok(vec![4, 5])],
            "expected the three pages of the API, in order, then the end"
        );
    });
}

#[test]
fn creating_the_stream_fetches_nothing() {
    within(LIMIT, || {
        let api = api(&[&[1], &[2]]);
        let stream = pages(api.clone());
        assert_eq!(
            api.call_count(),
            0,
            "`pages(api)` called `fetch` before anyone asked for a page: a stream, like a \
             future, does its work when it is polled, not when it is made. Likely cause: \
             `fetch` is called outside the stream's step."
        );
        drop(stream);
        assert_eq!(
            api.call_count(),
            0,
            "a stream dropped before its first poll must never fetch"
        );
    });
}

#[test]
fn fetches_each_page_only_when_asked_for_it() {
    within(LIMIT, || {
        let api = api(&[&[1, 2], &[3], &[4, 5]]);
        let mut driver = driver();
        let mut stream = pin!(pages(api.clone()));
        for (n, expected) in [vec![1, 2], vec![3], vec![4, 5]].into_iter().enumerate() {
            let page = next(&mut driver, &mut stream);
            assert_eq!(page, Some(Ok(expected)), "page {} of 3", n + 1);
            let calls = api.calls();
            assert_eq!(
                calls.len(),
                n + 1,
                "the caller has received {} page(s) and asked for no more, but `fetch` was \
                 called {} times: {calls:?}. A lazy stream fetches page n + 1 only when it is \
                 asked for it, when its caller may have stopped already. Likely cause: the \
                 step fetches the page after the one it yields (to look ahead), or the pages \
                 are fetched in advance.",
                n + 1,
                calls.len(),
            );
        }
        assert_eq!(
            next(&mut driver, &mut stream),
            None,
            "after the last page, the stream ends"
        );
        assert_eq!(
            api.call_count(),
            3,
            "the last page says there is no next one: ending the stream needs no fetch"
        );
    });
}

#[test]
fn follows_the_cursors() {
    within(LIMIT, || {
        let api = api(&[&[1], &[2], &[3], &[4]]);
        let mut driver = driver();
        let mut stream = pin!(pages(api.clone()));
        collect(&mut driver, &mut stream, 10, &api);
        let calls = api.calls();
        assert_eq!(
            calls,
            [
                None,
                Some("p2".into()),
                Some("p3".into()),
                Some("p4".into())
            ],
            "each page must be fetched once, with the cursor from the page before it (None \
             for the first)"
        );
    });
}

#[test]
fn an_empty_page_does_not_end_the_stream() {
    within(LIMIT, || {
        let api = api(&[&[1], &[], &[2]]);
        let mut driver = driver();
        let mut stream = pin!(pages(api.clone()));
        let got = collect(&mut driver, &mut stream, 10, &api);
        assert_eq!(
            got,
            [Ok(vec![1]), Ok(vec![]), Ok(vec![2])],
            "an empty page with a next cursor is still a page, and more come after it: only a \
             page without a `next` cursor is the last"
        );
    });
}

#[test]
fn a_failed_fetch_is_yielded_and_ends_the_stream() {
    within(LIMIT, || {
        let api = api_with(vec![Ok(vec![1, 2]), Err("the server is down"), Ok(vec![3])]);
        let mut driver = driver();
        let mut stream = pin!(pages(api.clone()));
        let got = collect(&mut driver, &mut stream, 10, &api);
        assert!(
            got != [Ok(vec![1, 2])],
            "the second fetch failed, and the stream ended without a word: the caller cannot \
             tell a failure from the end of the data. Likely cause: the step turns the error \
             into None (with `.ok()?` or `?` on an Option) instead of yielding it."
        );
        assert_eq!(
            got,
            [Ok(vec![1, 2]), Err(FetchError("the server is down".into()))],
            "expected page 1, then the error of the second fetch, then the end"
        );
        assert_eq!(
            api.call_count(),
            2,
            "after a failed fetch the stream ends: it has no cursor to go on with"
        );
    });
}
