use std::pin::pin;
use std::task::Poll;
use std::time::Duration;

use futures_test::future::FutureTestExt;
use manual_projection::{Timed, Timing};
use workbook_support::unpin::{NotUnpin as _, probe};
use workbook_support::{Driver, Limits, Scripted, Trace, within};

const LIMIT: Duration = Duration::from_secs(5);

#[test]
fn a_timed_not_unpin_future_is_not_unpin() {
    let timed = Timed::new(async { 1 });
    assert!(!probe(&async { 1 }).is_unpin(), "an async block is !Unpin");
    assert!(
        !probe(&timed).is_unpin(),
        "`Timed<F>` is Unpin although F (an async block) is not, so safe code could move a \
         pinned Timed and the future inside it. Remove your `impl Unpin for Timed`: the \
         compiler's own rule (Unpin when every field is) is the right one here"
    );
}

#[test]
fn a_timed_unpin_future_is_unpin() {
    let timed = Timed::new(std::future::ready(1));
    assert!(
        probe(&timed).is_unpin(),
        "`Timed<F>` should be Unpin when F is: the bookkeeping fields are never pinned"
    );
}

#[test]
fn counts_every_poll_of_the_inner_future() {
    within(LIMIT, || {
        let trace = Trace::new();
        let inner = Scripted::new("inner", &trace, 3, 'x').assert_unmoved();
        let mut driver = Driver::new("Timed::new(inner)");
        let timing = driver.run(Timed::new(inner), Limits::default());
        assert_eq!(
            timing.output, 'x',
            "Timing::output should be the inner output"
        );
        assert_eq!(
            timing.polls, 4,
            "the inner future was Pending 3 times, then Ready: Timing::polls counts all 4 polls"
        );
        assert_eq!(
            driver.polls(),
            4,
            "Timed should be Pending exactly when the inner future is: 4 polls in all"
        );
        assert_eq!(
            driver.wakes(),
            3,
            "the inner future woke the waker once per Pending; Timed should add no wake-ups"
        );
    });
}

#[test]
fn a_ready_future_takes_one_poll() {
    within(LIMIT, || {
        let mut driver = Driver::new("Timed::new(async { 7 })");
        let timing = driver.run(Timed::new(async { 7 }), Limits::default());
        assert_eq!(timing.output, 7);
        assert_eq!(
            timing.polls, 1,
            "an async block with no await is ready on poll 1"
        );
    });
}

// `assert_unmoved()` wraps a future in futures-test's AssertUnmoved, which
// is !Unpin and panics if it is moved after its first poll: "AssertUnmoved
// moved between poll calls" or "AssertUnmoved moved before drop".
#[test]
fn keeps_the_inner_future_in_place() {
    within(LIMIT, || {
        let trace = Trace::new();
        let inner = Scripted::new("inner", &trace, 3, 5).assert_unmoved();
        let mut driver = Driver::new("Timed::new(inner.assert_unmoved())");
        let mut future = pin!(Timed::new(inner));
        for depth in 0..3 {
            let poll = driver.poll_at_depth(future.as_mut(), depth);
            assert_eq!(
                poll,
                Poll::Pending,
                "poll {}: the inner future is Pending, so Timed should be too",
                depth + 1
            );
        }
        match driver.poll_at_depth(future.as_mut(), 3) {
            Poll::Ready(Timing { output, polls, .. }) => {
                assert_eq!((output, polls), (5, 4), "expected output 5 after 4 polls");
            }
            Poll::Pending => panic!(
                "poll 4: the inner future is Ready on its 4th poll, so Timed should be too, but \
                 it is still Pending. Do all the polls reach the one future inside `Timed`, or \
                 is a copy or a new future polled each time?"
            ),
        }
    });
}

#[test]
fn drops_the_inner_future_where_it_was_polled() {
    within(LIMIT, || {
        let trace = Trace::new();
        let inner = Scripted::new("inner", &trace, 3, 5).assert_unmoved();
        let mut driver = Driver::new("Timed::new(inner.assert_unmoved())");
        let mut future = Box::pin(Timed::new(inner));
        assert!(
            driver.poll(future.as_mut()).is_pending(),
            "poll 1: the inner future is Pending, so Timed should be too"
        );
        // Dropping Timed drops the inner future: AssertUnmoved checks that
        // it is still at the address where it was polled.
        drop(future);
    });
}

#[test]
fn stores_the_future_inline() {
    let big = async {
        let buffer = [1u8; 4096];
        std::future::ready(()).await;
        buffer.iter().map(|&b| usize::from(b)).sum::<usize>()
    };
    let inner_size = size_of_val(&big);
    let timed = Timed::new(big);
    assert!(
        size_of_val(&timed) >= inner_size,
        "`Timed` is {} bytes but its future alone is {inner_size}: keep the future in the \
         struct and project to it, instead of boxing it",
        size_of_val(&timed)
    );
}
