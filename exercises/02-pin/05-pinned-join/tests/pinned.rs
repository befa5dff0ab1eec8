// `Join` with futures that must not move: `async` blocks, and futures
// wrapped in futures-test's `AssertUnmoved` (`.assert_unmoved()`), which is
// `!Unpin` and panics if it is polled or dropped at another address than
// the one of its first poll: "AssertUnmoved moved between poll calls" or
// "AssertUnmoved moved before drop".

use std::pin::pin;
use std::task::Poll;
use std::time::Duration;

use futures_test::future::FutureTestExt;
use pinned_join::join;
use workbook_support::unpin::{NotUnpin as _, probe};
use workbook_support::{Driver, Limits, Scripted, Trace, within};

const LIMIT: Duration = Duration::from_secs(5);

#[test]
fn joins_two_async_blocks() {
    within(LIMIT, || {
        let text = String::from("pinned");
        let a = async {
            let words = ["not", text.as_str()];
            let second = &words[1]; // a borrow of the block's own local...
            async {}.pending_once().await; // ...across an .await
            second.len()
        };
        let b = async { 7 };
        let mut driver = Driver::new("join(async block, async block)");
        let output = driver.run(join(a, b), Limits::default());
        assert_eq!(
            output,
            (6, 7),
            "join(a, b) should finish with (a's output, b's output)"
        );
        assert_eq!(
            driver.polls(),
            2,
            "a is Pending once, so the join is Ready on poll 2"
        );
    });
}

#[test]
fn a_join_of_not_unpin_futures_is_not_unpin() {
    assert!(!probe(&async {}).is_unpin(), "an async block is !Unpin");
    let joined = join(async { 1 }, std::future::ready(2));
    assert!(
        !probe(&joined).is_unpin(),
        "`Join<A, B>` is Unpin although A (an async block) is not, so safe code could move a \
         pinned Join, and the future inside it, after a poll. Keep the inner futures inside \
         the Join in pinned fields (#[pin]), do not box them, and do not implement Unpin \
         yourself"
    );
    let joined = join(std::future::ready(1), async { 2 });
    assert!(
        !probe(&joined).is_unpin(),
        "`Join<A, B>` is Unpin although B (an async block) is not: pin `b` as well as `a`"
    );
}

#[test]
fn a_join_of_unpin_futures_is_unpin() {
    let joined = join(std::future::ready(1), std::future::ready(2));
    assert!(
        probe(&joined).is_unpin(),
        "`Join<A, B>` should be Unpin when A and B are, like any plain struct: pin only the \
         fields that hold the futures"
    );
}

#[test]
fn keeps_both_futures_in_place() {
    within(LIMIT, || {
        let trace = Trace::new();
        let a = Scripted::new("a", &trace, 1, 'a').assert_unmoved();
        let b = Scripted::new("b", &trace, 3, 'b').assert_unmoved();
        let mut driver = Driver::new("join(a.assert_unmoved(), b.assert_unmoved())");
        let mut joined = pin!(join(a, b));
        // Each poll comes from a deeper stack frame, so a future moved into
        // a local of `poll` would be at a new address each time.
        for depth in 0..3 {
            let poll = driver.poll_at_depth(joined.as_mut(), depth);
            assert_eq!(
                poll,
                Poll::Pending,
                "poll {}: b is still Pending, so the join should be too",
                depth + 1
            );
        }
        assert_eq!(
            driver.poll_at_depth(joined.as_mut(), 3),
            Poll::Ready(('a', 'b')),
            "poll 4: b is Ready on its 4th poll, so the join should be Ready(('a', 'b')). Do \
             all the polls reach the futures inside the Join, or is a copy or a new future \
             polled each time?"
        );
    });
}

#[test]
fn drops_each_future_where_it_was_polled() {
    within(LIMIT, || {
        let trace = Trace::new();
        // `a` finishes on poll 2 and is dropped inside the join's poll;
        // `b` is still Pending when the join is dropped.
        let a = Scripted::new("a", &trace, 1, 'a').assert_unmoved();
        let b = Scripted::new("b", &trace, 5, 'b').assert_unmoved();
        let mut driver = Driver::new("join(a.assert_unmoved(), b.assert_unmoved())");
        let mut joined = Box::pin(join(a, b));
        for n in 1..=2 {
            assert_eq!(
                driver.poll_at_depth(joined.as_mut(), n),
                Poll::Pending,
                "poll {n}: b is still Pending, so the join should be too"
            );
        }
        drop(joined);
    });
}

#[test]
fn stores_the_futures_inline() {
    let big = |fill: u8| async move {
        let buffer = [fill; 4096];
        std::future::ready(()).await;
        buffer.iter().map(|&b| usize::from(b)).sum::<usize>()
    };
    let (a, b) = (big(1), big(2));
    let inner = size_of_val(&a) + size_of_val(&b);
    let joined = join(a, b);
    assert!(
        size_of_val(&joined) >= inner,
        "`Join` is {} bytes but its two futures alone are {inner}: keep the futures inside the \
         Join (pinned fields) instead of boxing them. Pinning does not need a Box",
        size_of_val(&joined)
    );
}
