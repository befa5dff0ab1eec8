//! `Dedup` works with an inner stream that is not `Unpin`: this file does
//! not compile if `Dedup` or its `Stream` impl requires `S: Unpin`.

use std::pin::pin;
use std::time::Duration;

use futures::stream::{self, Stream, StreamExt};
use stream_by_hand::Dedup;
use workbook_support::{Driver, Limits, within};

/// Compiles only if `Dedup<S>` is a `Stream` for every stream `S` of
/// `u32`, `Unpin` or not: an `S: Unpin` bound makes it fail with "`S`
/// cannot be unpinned".
fn dedup_of_any_stream_is_a_stream<S: Stream<Item = u32>>() {
    fn is_a_stream<T: Stream>() {}
    is_a_stream::<Dedup<S>>();
}

#[test]
fn works_with_an_inner_stream_that_is_not_unpin() {
    dedup_of_any_stream_is_a_stream::<stream::Empty<u32>>();
    within(Duration::from_secs(5), || {
        // `unfold` keeps its async block's future inside itself, and an
        // async block is not `Unpin`: neither is this stream.
        let inner = stream::unfold(0, |n| async move { (n < 6).then_some((n / 2, n + 1)) });
        let mut dedup = pin!(Dedup::new(inner));
        let mut driver = Driver::new("Dedup::new(stream::unfold(..))");
        let mut items = Vec::new();
        while let Some(item) = driver.run(dedup.next(), Limits::default()) {
            items.push(item);
        }
        assert_eq!(items, [0, 1, 2], "0, 0, 1, 1, 2, 2 becomes 0, 1, 2");
        // `stream::unfold` panics if polled after its end: `Dedup` must not.
        let again = driver.run(dedup.next(), Limits::default());
        assert_eq!(again, None, "after its end, `Dedup` keeps returning None");
    });
}
