use std::fmt::Debug;
use std::future::Future;
use std::panic::{self, AssertUnwindSafe};
use std::pin::pin;
use std::task::Poll;
use std::time::Duration;

use join::join;
use workbook_support::{Driver, Limits, Scripted, Trace, on_paused_tokio, within};

const LIMIT: Duration = Duration::from_secs(5);

/// "1 time", "2 times".
fn times(n: usize) -> String {
    if n == 1 {
        "1 time".to_owned()
    } else {
        format!("{n} times")
    }
}

/// Polls `future` until it is ready, like an executor that polls again only
/// after a wake-up, and says which poll it was ready on. If that fails, the
/// trace so far is printed under the failure message.
fn drive<F: Future>(driver: &mut Driver, trace: &Trace, future: F) -> (F::Output, usize) {
    driver.when_not_woken(
        "In that poll, neither a nor b returned Pending (the trace below shows which of them \
         were polled at all), so nothing will wake the task. Every poll must poll each inner \
         future that has not finished; the ones that return Pending arrange the wake-up, and \
         once both have finished the poll must return Ready.",
    );
    match panic::catch_unwind(AssertUnwindSafe(|| {
        driver.run(future, Limits { max_polls: 20 })
    })) {
        Ok(output) => (output, driver.polls()),
        Err(payload) => {
            eprintln!("What happened until then:\n{}", trace.render());
            panic::resume_unwind(payload)
        }
    }
}

/// Runs `join(a, b)` where `a` is Pending `pa` times and `b` is Pending `pb`
/// times, and returns its output, the poll it was ready on, and the trace.
fn run_join<T: Debug + Unpin + Clone>(
    pa: usize,
    a_out: T,
    pb: usize,
    b_out: T,
) -> ((T, T), usize, Trace) {
    let trace = Trace::new();
    let a = Scripted::new("a", &trace, pa, a_out);
    let b = Scripted::new("b", &trace, pb, b_out);
    let name = format!(
        "join(a, b) (a: Pending {}, b: Pending {})",
        times(pa),
        times(pb)
    );
    let mut driver = Driver::traced(&name, &trace);
    let (output, polls) = drive(&mut driver, &trace, join(a, b));
    (output, polls, trace)
}

#[test]
fn first_poll_polls_both() {
    within(LIMIT, || {
        let trace = Trace::new();
        let a = Scripted::new("a", &trace, 1, 'a');
        let b = Scripted::new("b", &trace, 1, 'b');
        let mut driver = Driver::new("join(a, b)");
        let mut joined = pin!(join(a, b));
        let poll = driver.poll(joined.as_mut());
        let polled: Vec<&str> = trace
            .events()
            .iter()
            .filter_map(|e| match e.trim() {
                "a: Pending" => Some("a"),
                "b: Pending" => Some("b"),
                _ => None,
            })
            .collect();
        assert!(
            polled.contains(&"a") && polled.contains(&"b"),
            "the first poll of join(a, b) must poll both a and b, so that both make progress \
             during the same .await; it polled: {:?}",
            trace.events()
        );
        assert_eq!(
            polled,
            ["a", "b"],
            "the first poll of join(a, b) must poll a, then b, once each"
        );
        assert_eq!(
            poll,
            Poll::Pending,
            "a and b both returned Pending, so join(a, b) must return Pending"
        );
    });
}

#[test]
fn polls_both_on_every_poll_until_done() {
    within(LIMIT, || {
        let (output, polls, trace) = run_join(2, 1, 2, 2);
        assert_eq!(output, (1, 2), "the output is (a's output, b's output)");
        let a_polls = trace.count(|e| e.starts_with("  a:"));
        let b_polls = trace.count(|e| e.starts_with("  b:"));
        assert_eq!(
            (a_polls, b_polls, polls),
            (3, 3, 3),
            "with a and b each Pending twice, each of the 3 polls of join(a, b) should poll \
             both (a polled, b polled, join polled); trace:\n{}",
            trace.render()
        );
    });
}

#[test]
fn ready_on_the_poll_where_the_slower_one_finishes() {
    within(LIMIT, || {
        for (pa, pb) in [(0, 0), (0, 2), (2, 0), (1, 3), (3, 1), (2, 2)] {
            let (output, polls, trace) = run_join(pa, "a", pb, "b");
            assert_eq!(output, ("a", "b"), "the output is (a's output, b's output)");
            let expected = pa.max(pb) + 1;
            assert_eq!(
                polls,
                expected,
                "a is Pending {} and b {}, so join(a, b) should be Ready on poll {expected} \
                 (the slower one decides), but it was Ready on poll {polls}.\n\
                 Too late: return Ready in the same poll in which the second output arrives, \
                 even when both arrive in that poll.\n\
                 Too early: an inner future was polled in a loop inside one poll (that blocks \
                 the thread).\ntrace:\n{}",
                times(pa),
                times(pb),
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
fn keeps_the_first_output_and_never_polls_a_finished_future() {
    within(LIMIT, || {
        // A `Scripted` future panics when polled after `Ready`: a join that
        // forgets the first output and polls again fails here.
        let (output, _, trace) = run_join(0, String::from("first"), 3, String::from("second"));
        assert_eq!(
            output,
            ("first".to_owned(), "second".to_owned()),
            "the output is (a's output, b's output)"
        );
        assert_eq!(
            trace.count(|e| e.starts_with("  a:")),
            1,
            "a was Ready on the first poll: keep its output and never poll a again; trace:\n{}",
            trace.render()
        );
        let (_, _, trace) = run_join(3, String::from("first"), 0, String::from("second"));
        assert_eq!(
            trace.count(|e| e.starts_with("  b:")),
            1,
            "b was Ready on the first poll: keep its output and never poll b again; trace:\n{}",
            trace.render()
        );
    });
}

#[test]
fn wakes_only_through_the_inner_futures() {
    within(LIMIT, || {
        let (_, _, trace) = run_join(1, 'a', 3, 'b');
        let wakes = trace.count(|e| e == "  wake");
        assert_eq!(
            wakes,
            4,
            "a returned Pending once and b three times, and each woke the waker itself, so \
             the waker should be woken 4 times, not {wakes}. More: join(a, b) woke the waker \
             on its own, which makes the executor poll it for nothing. Fewer: a poll skipped \
             an unfinished future.\ntrace:\n{}",
            trace.render()
        );
    });
}

#[test]
fn does_not_wake_itself_when_nothing_is_ready() {
    within(LIMIT, || {
        // `a` never finishes and never wakes: nothing should wake the task.
        let trace = Trace::new();
        let a = std::future::pending::<char>();
        let b = Scripted::new("b", &trace, 0, 'b');
        let mut driver = Driver::new("join(pending(), b)");
        let mut joined = pin!(join(a, b));
        for n in 1..=2 {
            assert_eq!(
                driver.poll(joined.as_mut()),
                Poll::Pending,
                "a never finishes, so poll {n} of join(pending(), b) must return Pending"
            );
        }
        assert_eq!(
            driver.wakes(),
            0,
            "join(a, b) woke the waker although a is still waiting and b is done. Only the \
             inner futures know when they can progress; a join that wakes itself spins the \
             executor in a busy loop"
        );
    });
}

#[test]
fn trace_of_a_with_one_pending_and_b_with_three() {
    let (output, _, trace) = within(LIMIT, || run_join(1, "a", 3, "b"));
    trace.push(format!("output: {output:?}"));
    insta::assert_snapshot!(trace.render());
}

// The real thing: two timers in one task, on tokio. Paused time makes the
// clock exact and the test instant; `within` bounds it in case a `poll`
// loops or the join keeps waking itself (then paused time never advances).
#[test]
fn waits_for_the_slower_not_the_sum_on_tokio() {
    use tokio::time::{Instant, sleep, timeout};
    let elapsed = on_paused_tokio(LIMIT, || async {
        let start = Instant::now();
        let a = Box::pin(async {
            sleep(Duration::from_millis(30)).await;
            "a"
        });
        let b = Box::pin(async {
            sleep(Duration::from_millis(50)).await;
            "b"
        });
        let output = timeout(Duration::from_secs(1), join(a, b))
            .await
            .expect("join(a, b) never finished on tokio: are both futures polled on every poll?");
        assert_eq!(output, ("a", "b"), "the output is (a's output, b's output)");
        start.elapsed()
    });
    assert_eq!(
        elapsed,
        Duration::from_millis(50),
        "join of a 30ms and a 50ms timer took {elapsed:?}; concurrently it takes 50ms \
         (the slower one), one after the other it takes 80ms"
    );
}
