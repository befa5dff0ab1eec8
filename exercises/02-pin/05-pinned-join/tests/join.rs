// How `Join` polls, finishes and drops, checked with `Scripted` futures:
// each is Pending (waking its waker) a set number of times, then Ready, and
// panics if it is polled again after that. `tests/pinned.rs` checks the
// same `Join` with futures that must not move.

use std::fmt::Debug;
use std::panic::{self, AssertUnwindSafe};
use std::pin::pin;
use std::task::Poll;
use std::time::Duration;

use pinned_join::join;
use workbook_support::{Driver, Limits, Scripted, Trace, within};

const LIMIT: Duration = Duration::from_secs(5);

/// Runs `join(a, b)` where `a` is Pending `pa` times and `b` `pb` times,
/// both recording their polls and their drop in one trace with the join's
/// polls. Returns the output, the poll it was ready on, and the trace.
fn run_join<T: Debug + Unpin>(pa: usize, a_out: T, pb: usize, b_out: T) -> ((T, T), usize, Trace) {
    let trace = Trace::new();
    let a = Scripted::new("a", &trace, pa, a_out).trace_drop();
    let b = Scripted::new("b", &trace, pb, b_out).trace_drop();
    let mut driver = Driver::traced(
        &format!("join(a, b) (a: {pa} Pending, b: {pb} Pending)"),
        &trace,
    );
    driver.when_not_woken(
        "Every Pending must come from an inner future that returned Pending in that poll (it \
         arranged the wake-up). Poll every unfinished inner future on every poll, and return \
         Ready in the poll in which the second output arrives.",
    );
    let output = driver.run(join(a, b), Limits { max_polls: 20 });
    (output, driver.polls(), trace)
}

/// The events of poll `n` (1-based) in a trace recorded by a traced driver.
fn events_of_poll(trace: &Trace, n: usize) -> Vec<String> {
    let header = format!("poll {n}");
    trace
        .events()
        .into_iter()
        .skip_while(|e| *e != header)
        .skip(1)
        .take_while(|e| !e.starts_with("poll "))
        .collect()
}

#[test]
fn the_first_poll_polls_a_then_b() {
    within(LIMIT, || {
        let (_, _, trace) = run_join(1, 'a', 1, 'b');
        let first: Vec<String> = events_of_poll(&trace, 1)
            .into_iter()
            .filter(|e| e.starts_with("  a:") || e.starts_with("  b:"))
            .collect();
        assert_eq!(
            first,
            ["  a: Pending", "  b: Pending"],
            "the first poll of join(a, b) should poll a once, then b once, so that both make \
             progress during the same .await; trace:\n{}",
            trace.render()
        );
    });
}

#[test]
fn polls_each_unfinished_future_once_per_poll() {
    within(LIMIT, || {
        let (output, polls, trace) = run_join(2, 1, 2, 2);
        assert_eq!(output, (1, 2), "the output is (a's output, b's output)");
        for n in 1..=polls {
            let polled: Vec<String> = events_of_poll(&trace, n)
                .into_iter()
                .filter(|e| {
                    (e.starts_with("  a:") || e.starts_with("  b:")) && !e.ends_with("dropped")
                })
                .map(|e| e[..4].to_owned())
                .collect();
            assert_eq!(
                polled,
                ["  a:", "  b:"],
                "with a and b each Pending twice, poll {n} of join(a, b) should poll a once, \
                 then b once; trace:\n{}",
                trace.render()
            );
        }
    });
}

#[test]
fn ready_in_the_poll_where_the_slower_one_finishes() {
    within(LIMIT, || {
        for (pa, pb) in [(0, 0), (0, 2), (2, 0), (1, 3), (3, 1), (2, 2)] {
            let (output, polls, trace) = run_join(pa, "a", pb, "b");
            assert_eq!(output, ("a", "b"), "the output is (a's output, b's output)");
            let expected = pa.max(pb) + 1;
            assert_eq!(
                polls,
                expected,
                "a is Pending {pa} times and b {pb} times, so join(a, b) should be Ready on \
                 poll {expected} (the slower one decides), but it was Ready on poll {polls}.\n\
                 Too late: return Ready in the same poll in which the second output arrives, \
                 even when both arrive in that poll.\n\
                 Too early: an inner future was polled more than once in one poll (a loop \
                 inside poll blocks the thread).\ntrace:\n{}",
                trace.render()
            );
        }
    });
}

#[test]
fn outputs_are_in_argument_order_whoever_finishes_first() {
    within(LIMIT, || {
        let (output, _, _) = run_join(3, "a", 0, "b");
        assert_eq!(
            output,
            ("a", "b"),
            "b finished first, but the output must still be (a's output, b's output)"
        );
        let (output, _, _) = run_join(0, "a", 3, "b");
        assert_eq!(
            output,
            ("a", "b"),
            "a finished first; the output must be (a's output, b's output)"
        );
    });
}

#[test]
fn never_polls_a_finished_future_again() {
    within(LIMIT, || {
        // A `Scripted` future panics when it is polled after `Ready`.
        let (output, _, trace) = run_join(0, String::from("first"), 3, String::from("second"));
        assert_eq!(output, ("first".to_owned(), "second".to_owned()));
        assert_eq!(
            trace.count(|e| e.starts_with("  a: Ready") || e.starts_with("  a: Pending")),
            1,
            "a was Ready on the first poll: keep its output and never poll a again; trace:\n{}",
            trace.render()
        );
    });
}

#[test]
fn drops_a_finished_future_as_soon_as_it_is_ready() {
    within(LIMIT, || {
        for (pa, pb, name) in [(0, 2, "a"), (2, 0, "b"), (1, 1, "a"), (1, 1, "b")] {
            let (_, _, trace) = run_join(pa, 'a', pb, 'b');
            let events = trace.events();
            let ready = events
                .iter()
                .position(|e| e.starts_with(&format!("  {name}: Ready")))
                .expect("the future finished");
            let dropped = events.get(ready + 1).map(String::as_str);
            assert_eq!(
                dropped,
                Some(format!("  {name}: dropped").as_str()),
                "with a Pending {pa} times and b {pb} times, {name} returned Ready, so it should \
                 be dropped right away, in place, before anything else happens in that poll (a \
                 finished future may hold a connection or a timer). Keep each future where it \
                 can be dropped in place and marked as finished; trace:\n{}",
                trace.render()
            );
        }
    });
}

#[test]
fn dropping_an_unfinished_join_drops_both_futures() {
    within(LIMIT, || {
        let trace = Trace::new();
        let a = Scripted::new("a", &trace, 3, 'a').trace_drop();
        let b = Scripted::new("b", &trace, 3, 'b').trace_drop();
        let mut driver = Driver::new("join(a, b)");
        let mut joined = Box::pin(join(a, b));
        assert_eq!(
            driver.poll(joined.as_mut()),
            Poll::Pending,
            "a and b are Pending"
        );
        drop(joined);
        assert_eq!(
            (
                trace.count(|e| e == "  a: dropped"),
                trace.count(|e| e == "  b: dropped")
            ),
            (1, 1),
            "dropping an unfinished Join should drop each inner future exactly once; trace:\n{}",
            trace.render()
        );
    });
}

#[test]
fn wakes_only_through_the_inner_futures() {
    within(LIMIT, || {
        let (_, _, trace) = run_join(1, 'a', 3, 'b');
        assert_eq!(
            trace.count(|e| e == "  wake"),
            4,
            "a and b returned Pending 4 times in all and each woke the waker then; join(a, b) \
             should add no wake-up of its own; trace:\n{}",
            trace.render()
        );
    });
}

#[test]
fn panics_when_polled_after_completion_without_touching_the_futures() {
    within(LIMIT, || {
        let trace = Trace::new();
        let a = Scripted::new("a", &trace, 0, 1).trace_drop();
        let b = Scripted::new("b", &trace, 0, 2).trace_drop();
        let mut driver = Driver::new("join(a, b)");
        let mut joined = pin!(join(a, b));
        assert_eq!(
            driver.poll(joined.as_mut()),
            Poll::Ready((1, 2)),
            "a and b are Ready at once, so join(a, b) should be Ready((1, 2)) on poll 1"
        );
        let before = trace.events().len();

        let previous_hook = panic::take_hook();
        panic::set_hook(Box::new(|_| {}));
        let again = panic::catch_unwind(AssertUnwindSafe(|| driver.poll(joined.as_mut())));
        panic::set_hook(previous_hook);

        assert_eq!(
            trace.events()[before..],
            [] as [String; 0],
            "a finished Join was polled again and touched an inner future; it must panic \
             before that. Trace:\n{}",
            trace.render()
        );
        assert!(
            again.is_err(),
            "polling a finished Join should panic, but it returned {:?}",
            again.ok()
        );
    });
}

#[test]
fn trace_of_a_with_one_pending_and_b_with_three() {
    let trace = Trace::new();
    let a = Scripted::new("a", &trace, 1, 'a').trace_drop();
    let b = Scripted::new("b", &trace, 3, 'b').trace_drop();
    let mut driver = Driver::traced("join(a, b)", &trace);
    let output = within(LIMIT, move || {
        driver.run(join(a, b), Limits { max_polls: 20 })
    });
    trace.push(format!("output: {output:?}"));
    insta::assert_snapshot!(trace.render());
}
