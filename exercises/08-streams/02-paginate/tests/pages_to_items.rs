use std::pin::pin;
use std::time::Duration;

use paginate::{FetchError, items};
use workbook_support::within;

use super::common;
use common::{api, api_with, collect, driver, next};

const LIMIT: Duration = Duration::from_secs(5);

#[test]
fn yields_every_item_of_every_page_in_order() {
    within(LIMIT, || {
        let api = api(&[&[1, 2], &[], &[3], &[4, 5]]);
        let mut driver = driver();
        let mut stream = pin!(items(api.clone()));
        let got = collect(&mut driver, &mut stream, 20, &api);
        assert_eq!(
            got,
            [Ok(1), Ok(2), Ok(3), Ok(4), Ok(5)],
            "expected every item of the pages [1, 2], [], [3], [4, 5], in order, then the end"
        );
    });
}

#[test]
fn fetches_a_page_only_when_its_first_item_is_asked_for() {
    within(LIMIT, || {
        let api = api(&[&[1, 2], &[3, 4]]);
        let mut driver = driver();
        let mut stream = pin!(items(api.clone()));
        assert_eq!(api.call_count(), 0, "creating the stream fetches nothing");
        for (item, fetched) in [(1, 1), (2, 1), (3, 2), (4, 2)] {
            let got = next(&mut driver, &mut stream);
            assert_eq!(got, Some(Ok(item)), "item {item} comes next");
            let calls = api.call_count();
            assert_eq!(
                calls, fetched,
                "the caller has received the items up to {item} and asked for no more: \
                 {fetched} page(s) should have been fetched, but `fetch` was called {calls} \
                 times. The next page is fetched only when the item after the current page's \
                 last one is asked for. Likely causes: all the pages are collected before the \
                 first item is yielded, or the next page is fetched along with the last item \
                 of a page."
            );
        }
        assert_eq!(next(&mut driver, &mut stream), None, "then the end");
    });
}

#[test]
fn a_failed_fetch_is_yielded_after_the_items_before_it() {
    within(LIMIT, || {
        let api = api_with(vec![Ok(vec![1, 2]), Err("timed out"), Ok(vec![3])]);
        let mut driver = driver();
        let mut stream = pin!(items(api.clone()));
        let got = collect(&mut driver, &mut stream, 20, &api);
        assert_eq!(
            got,
            [Ok(1), Ok(2), Err(FetchError("timed out".into()))],
            "expected the items of page 1, then the error of the second fetch, then the end"
        );
    });
}

#[test]
fn works_on_tokio_with_a_consumer_that_stops_early() {
    use futures::{StreamExt, TryStreamExt};
    let (first_three, calls) = workbook_support::on_paused_tokio(LIMIT, || async {
        let api = api(&[&[1, 2], &[3, 4], &[5, 6], &[7, 8]]);
        let first_three: Vec<u32> = items(api.clone())
            .take(3)
            .try_collect()
            .await
            .expect("no fetch fails");
        (first_three, api.call_count())
    });
    assert_eq!(first_three, [1, 2, 3], "the first three items");
    assert_eq!(
        calls, 2,
        "a consumer that took 3 items needed 2 pages; `fetch` was called {calls} times"
    );
}
