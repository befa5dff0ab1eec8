use std::cell::Cell;
use std::panic::{self, AssertUnwindSafe};
use std::pin::pin;
use std::task::Poll;
use std::time::Duration;

use futures_test::future::FutureTestExt;
use projection::map;
use workbook_support::unpin::{NotUnpin as _, probe};
use workbook_support::{Driver, Limits, Scripted, Trace, within};

const LIMIT: Duration = Duration::from_secs(5);

#[test]
fn a_map_of_a_not_unpin_future_is_not_unpin() {
    let future = map(async { 1 }, |n| n + 1);
    assert!(!probe(&async { 1 }).is_unpin(), "an async block is !Unpin");
    assert!(
        !probe(&future).is_unpin(),
        "`Map<F, G>` is Unpin although F (an async block) is not, so safe code could move a \
         pinned Map and the future inside it. Mark the `future` field with #[pin] inside \
         pin_project!, keep the future itself in that field (not boxed), and do not implement \
         Unpin yourself"
    );
}

#[test]
fn a_map_of_unpin_parts_is_unpin() {
    let future = map(std::future::ready(1), |n: i32| n + 1);
    assert!(
        probe(&future).is_unpin(),
        "`Map<F, G>` should be Unpin when F and G are, like any plain struct: only the \
         `future` field is pinned, and only `future` decides"
    );
}

#[test]
fn maps_the_output_of_an_async_block() {
    within(LIMIT, || {
        let mut driver = Driver::new("map(async block, |n| n * 10)");
        let output = driver.run(map(async { 4 }, |n| n * 10), Limits::default());
        assert_eq!(output, 40, "the Map should finish with f(output) = 4 * 10");
        assert_eq!(driver.polls(), 1, "the async block is ready at once");
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
        let mut driver = Driver::new("map(inner.assert_unmoved(), |n| n + 1)");
        let mut future = pin!(map(inner, |n| n + 1));
        for depth in 0..3 {
            let poll = driver.poll_at_depth(future.as_mut(), depth);
            assert_eq!(poll, Poll::Pending, "the inner future is Pending 3 times");
        }
        let output = driver.poll_at_depth(future.as_mut(), 3);
        assert_eq!(
            output,
            Poll::Ready(6),
            "the inner future is Ready(5) on its 4th poll, so the Map should be Ready(f(5)) on \
             poll 4. Do all the polls reach the one future inside the Map, or is a copy or a \
             new future polled each time?"
        );
    });
}

#[test]
fn drops_the_inner_future_where_it_was_polled() {
    within(LIMIT, || {
        let trace = Trace::new();
        let inner = Scripted::new("inner", &trace, 3, 5).assert_unmoved();
        let mut driver = Driver::new("map(inner.assert_unmoved(), |n| n + 1)");
        let mut future = Box::pin(map(inner, |n| n + 1));
        assert_eq!(
            driver.poll(future.as_mut()),
            Poll::Pending,
            "poll 1: the inner future is Pending, so the Map should be too"
        );
        // Dropping the Map drops the inner future: AssertUnmoved checks that
        // it is still at the address where it was polled.
        drop(future);
    });
}

#[test]
fn calls_the_function_once_with_the_output() {
    within(LIMIT, || {
        let calls = Cell::new(0);
        let label = String::from("answer");
        let trace = Trace::new();
        let inner = Scripted::new("inner", &trace, 1, 42).assert_unmoved();
        // This closure moves `label` out, so it can only be called once.
        let f = |n: i32| {
            calls.set(calls.get() + 1);
            format!("{label} = {n}")
        };
        let mut driver = Driver::new("map(inner, f)");
        let output = driver.run(map(inner, f), Limits::default());
        assert_eq!(output, "answer = 42");
        assert_eq!(calls.get(), 1, "f should be called exactly once");
    });
}

#[test]
fn is_pending_exactly_when_the_inner_future_is() {
    within(LIMIT, || {
        let trace = Trace::new();
        let inner = Scripted::new("inner", &trace, 2, 7).assert_unmoved();
        let mut driver = Driver::new("map(inner, |n| n * 3)");
        let mut future = pin!(map(inner, |n| n * 3));
        for n in 1..=2 {
            assert_eq!(
                driver.poll(future.as_mut()),
                Poll::Pending,
                "poll {n}: the inner future is Pending, so the Map should be too"
            );
            assert_eq!(
                trace.count(|e| e.contains("inner:")),
                n,
                "poll {n} of the Map should poll the inner future exactly once"
            );
        }
        assert_eq!(
            driver.poll(future.as_mut()),
            Poll::Ready(21),
            "poll 3: the inner future is Ready(7), so the Map should be Ready(f(7)) in the same poll"
        );
        assert_eq!(
            driver.wakes(),
            2,
            "the inner future woke the waker once per Pending; the Map should add no wake-ups"
        );
    });
}

#[test]
fn panics_when_polled_after_completion_without_polling_the_inner_future() {
    within(LIMIT, || {
        let trace = Trace::new();
        let inner = Scripted::new("inner", &trace, 0, 1).assert_unmoved();
        let mut driver = Driver::new("map(inner, |n| n + 1)");
        let mut future = pin!(map(inner, |n| n + 1));
        assert_eq!(
            driver.poll(future.as_mut()),
            Poll::Ready(2),
            "the inner future is Ready(1) at once, so the Map should be Ready(f(1))"
        );

        let previous_hook = panic::take_hook();
        panic::set_hook(Box::new(|_| {}));
        let again = panic::catch_unwind(AssertUnwindSafe(|| driver.poll(future.as_mut())));
        panic::set_hook(previous_hook);

        assert_eq!(
            trace.count(|e| e.contains("inner:")),
            1,
            "a finished Map polled the inner future again; it must not be polled after it \
             returned Ready. Trace of the inner future:\n{}",
            trace.render()
        );
        assert!(
            again.is_err(),
            "polling a finished Map should panic (its function is gone), but it returned {:?}",
            again.ok()
        );
    });
}

#[test]
fn trace_of_a_map_over_a_future_with_two_pendings() {
    let trace = Trace::new();
    let mut driver = Driver::traced("map(inner, |n| n * 2)", &trace);
    let log = trace.clone();
    let inner = Scripted::new("inner", &trace, 2, 20).assert_unmoved();
    let output = within(LIMIT, move || {
        let f = move |n: i32| {
            log.push(format!("  f({n})"));
            n * 2
        };
        driver.run(map(inner, f), Limits::default())
    });
    assert_eq!(output, 40);
    insta::assert_snapshot!(trace.render());
}

#[test]
fn stores_the_future_inline() {
    let big = async {
        let buffer = [1u8; 4096];
        std::future::ready(()).await;
        buffer.iter().map(|&b| usize::from(b)).sum::<usize>()
    };
    let inner_size = size_of_val(&big);
    let future = map(big, |n| n);
    assert!(
        size_of_val(&future) >= inner_size,
        "`Map` is {} bytes but its future alone is {inner_size}: keep the future in the \
         struct (pinned with #[pin]) instead of boxing it",
        size_of_val(&future)
    );
}
