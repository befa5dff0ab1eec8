use std::fmt::Debug;
use std::future::Future;
use std::panic::{self, AssertUnwindSafe};
use std::pin::pin;
use std::time::Duration;

use try_join::try_join;
use workbook_support::{Driver, Limits, Scripted, Trace, on_paused_tokio, within};

const LIMIT: Duration = Duration::from_secs(5);

type Res = Result<&'static str, &'static str>;

/// "1 time", "2 times".
fn times(n: usize) -> String {
    if n == 1 {
        "1 time".to_owned()
    } else {
        format!("{n} times")
    }
}

/// A leaf future called `name`: Pending `pendings` times (waking each
/// time), then `output`. Its drop is recorded in `trace`.
fn leaf<T: Debug + Unpin>(
    name: &'static str,
    trace: &Trace,
    pendings: usize,
    output: T,
) -> Scripted<T> {
    Scripted::new(name, trace, pendings, output).trace_drop()
}

/// The polls of `a` and `b` in `trace`, without drops.
fn inner_polls(trace: &Trace) -> Vec<String> {
    trace
        .events()
        .into_iter()
        .filter(|e| (e.starts_with("  a: ") || e.starts_with("  b: ")) && !e.ends_with("dropped"))
        .map(|e| e.trim().to_owned())
        .collect()
}

/// The events of poll `n` in `trace`, up to and including its result: what
/// happened before that poll returned.
fn poll_events(trace: &Trace, n: usize) -> Vec<String> {
    let events = trace.events();
    let start = events
        .iter()
        .position(|e| *e == format!("poll {n}"))
        .map_or(events.len(), |i| i + 1);
    let mut during = Vec::new();
    for event in &events[start..] {
        during.push(event.clone());
        if event.starts_with("  -> ") {
            break;
        }
    }
    during
}

/// Polls `future` until it is ready, like an executor that polls again only
/// after a wake-up. If that fails, the trace so far is printed under the
/// failure message.
fn drive<F: Future>(name: &str, trace: &Trace, future: F) -> (F::Output, usize) {
    let mut driver = Driver::traced(name, trace);
    driver.when_not_woken(
        "In that poll, neither a nor b returned Pending (the trace below shows which of them \
         were polled at all), so nothing will wake the task. Every poll must poll each inner \
         future that has not finished; the ones that return Pending arrange the wake-up, and \
         once one has failed or both have succeeded the poll must return Ready.",
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

/// Runs `try_join(a, b)` where `a` is Pending `pa` times, then `ra`, and `b`
/// is Pending `pb` times, then `rb`. Returns the output, the poll it was
/// ready on, and the trace.
fn run(
    pa: usize,
    ra: Res,
    pb: usize,
    rb: Res,
) -> (
    Result<(&'static str, &'static str), &'static str>,
    usize,
    Trace,
) {
    let trace = Trace::new();
    let a = leaf("a", &trace, pa, ra);
    let b = leaf("b", &trace, pb, rb);
    let name = format!(
        "try_join(a, b) (a: Pending {}, then {ra:?}; b: Pending {}, then {rb:?})",
        times(pa),
        times(pb)
    );
    let (output, polls) = drive(&name, &trace, try_join(a, b));
    (output, polls, trace)
}

#[test]
fn first_poll_polls_a_then_b() {
    within(LIMIT, || {
        let trace = Trace::new();
        let a = leaf::<Res>("a", &trace, 1, Ok("a"));
        let b = leaf::<Res>("b", &trace, 1, Ok("b"));
        let mut driver = Driver::new("try_join(a, b)");
        let mut joined = pin!(try_join(a, b));
        let poll = driver.poll(joined.as_mut());
        let polled = inner_polls(&trace);
        assert_eq!(
            polled,
            ["a: Pending", "b: Pending"],
            "the first poll of try_join(a, b) must poll a, then b, once each, so that both \
             make progress during the same .await"
        );
        assert!(
            poll.is_pending(),
            "a and b both returned Pending, so try_join(a, b) must return Pending, not {poll:?}"
        );
    });
}

#[test]
fn both_ok_gives_both_values_in_argument_order_on_the_slower_ones_poll() {
    within(LIMIT, || {
        for (pa, pb) in [(0, 0), (0, 2), (2, 0), (1, 3), (3, 1), (2, 2)] {
            let (output, polls, trace) = run(pa, Ok("a"), pb, Ok("b"));
            assert_eq!(
                output,
                Ok(("a", "b")),
                "a and b both succeed (a is Pending {}, b {}), so the output is \
                 Ok((a's value, b's value)), whichever finished first; trace:\n{}",
                times(pa),
                times(pb),
                trace.render()
            );
            let expected = pa.max(pb) + 1;
            assert_eq!(
                polls,
                expected,
                "a is Pending {} and b {}, so try_join(a, b) should be Ready on poll {expected}, \
                 the poll in which the slower one finishes, but it was Ready on poll {polls}.\n\
                 Later: return Ready in the poll in which the last value arrives.\n\
                 Sooner: an inner future was polled more than once in one poll.\ntrace:\n{}",
                times(pa),
                times(pb),
                trace.render()
            );
            let (a_polls, b_polls) = (
                trace.count(|e| e.starts_with("  a: ") && !e.ends_with("dropped")),
                trace.count(|e| e.starts_with("  b: ") && !e.ends_with("dropped")),
            );
            assert_eq!(
                (a_polls, b_polls),
                (pa + 1, pb + 1),
                "each inner future should be polled once per poll until it is Ready, then \
                 never again; trace:\n{}",
                trace.render()
            );
        }
    });
}

#[test]
fn values_of_different_types() {
    within(LIMIT, || {
        let trace = Trace::new();
        let a = leaf("a", &trace, 1, Ok::<u32, String>(7));
        let b = leaf("b", &trace, 2, Ok::<String, String>("seven".to_owned()));
        let (output, _) = drive("try_join(a, b)", &trace, try_join(a, b));
        assert_eq!(
            output,
            Ok((7, "seven".to_owned())),
            "try_join of an Ok(7) and an Ok(\"seven\") should give Ok((7, \"seven\"))"
        );
    });
}

#[test]
fn an_error_from_b_ends_it_in_that_poll_and_drops_a() {
    within(LIMIT, || {
        let (output, polls, trace) = run(3, Ok("a"), 1, Err("b failed"));
        assert_eq!(
            output,
            Err("b failed"),
            "b failed, so the output is b's error; trace:\n{}",
            trace.render()
        );
        assert_eq!(
            polls,
            2,
            "b returns its Err on poll 2, so try_join(a, b) must be Ready on poll 2, without \
             waiting for a; trace:\n{}",
            trace.render()
        );
        let poll_2 = poll_events(&trace, 2);
        assert!(
            poll_2.contains(&"  a: dropped".to_owned()),
            "when b fails, a is cancelled: it must be dropped before the poll that returns the \
             error ends, not later when the finished try_join is dropped. Poll 2 did:\n{}\n\
             whole trace:\n{}",
            poll_2.join("\n"),
            trace.render()
        );
    });
}

#[test]
fn an_error_from_a_means_b_is_not_polled_again() {
    within(LIMIT, || {
        let (output, polls, trace) = run(1, Err("a failed"), 3, Ok("b"));
        assert_eq!(
            output,
            Err("a failed"),
            "a failed, so the output is a's error"
        );
        assert_eq!(
            polls, 2,
            "a fails on poll 2, so try_join(a, b) is Ready on poll 2"
        );
        let poll_2 = poll_events(&trace, 2);
        assert!(
            !poll_2
                .iter()
                .any(|e| e.starts_with("  b: ") && !e.ends_with("dropped")),
            "a failed on poll 2, so that poll must return the error without polling b: b is \
             cancelled, and polling it could only waste work. Poll 2 did:\n{}",
            poll_2.join("\n")
        );
        assert!(
            poll_2.contains(&"  b: dropped".to_owned()),
            "when a fails, b is cancelled: it must be dropped before the poll that returns the \
             error ends, not later when the finished try_join is dropped. Poll 2 did:\n{}",
            poll_2.join("\n")
        );
    });
}

/// A value that records its drop, to see when a value that already came out
/// of one future is thrown away.
struct Kept(Trace);

impl Debug for Kept {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("a's value")
    }
}

impl Drop for Kept {
    fn drop(&mut self) {
        self.0.push("  a's value dropped");
    }
}

#[test]
fn an_error_after_the_other_succeeded_drops_its_value() {
    within(LIMIT, || {
        let trace = Trace::new();
        let a = leaf("a", &trace, 0, Ok::<Kept, &str>(Kept(trace.clone())));
        let b = leaf("b", &trace, 2, Err::<&str, &str>("b failed"));
        let (output, polls) = drive("try_join(a, b)", &trace, try_join(a, b));
        assert!(
            matches!(output, Err("b failed")),
            "a succeeded, then b failed: the output is b's error, not {output:?}"
        );
        assert_eq!(
            polls, 3,
            "b fails on poll 3, so try_join(a, b) is Ready on poll 3"
        );
        assert_eq!(
            trace.count(|e| e.starts_with("  a: ") && !e.ends_with("dropped")),
            1,
            "a was Ready on poll 1: it must never be polled again; trace:\n{}",
            trace.render()
        );
        let poll_3 = poll_events(&trace, 3);
        assert!(
            poll_3.contains(&"  a's value dropped".to_owned()),
            "b failed, so the value a gave on poll 1 will never be used: it must be dropped \
             before the poll that returns the error ends. Poll 3 did:\n{}\nwhole trace:\n{}",
            poll_3.join("\n"),
            trace.render()
        );
    });
}

#[test]
fn wakes_only_through_the_inner_futures() {
    within(LIMIT, || {
        let (_, _, trace) = run(1, Ok("a"), 3, Ok("b"));
        let wakes = trace.count(|e| e == "  wake");
        assert_eq!(
            wakes,
            4,
            "a returned Pending once and b three times, and each woke the waker itself, so \
             the waker should be woken 4 times, not {wakes}. More: try_join(a, b) woke the \
             waker on its own, which makes the executor poll it for nothing. Fewer: a poll \
             skipped an unfinished future.\ntrace:\n{}",
            trace.render()
        );

        // `a` never finishes and never wakes: nothing should wake the task.
        let trace = Trace::new();
        let a = std::future::pending::<Res>();
        let b = leaf::<Res>("b", &trace, 0, Ok("b"));
        let mut driver = Driver::new("try_join(pending(), b)");
        let mut joined = pin!(try_join(a, b));
        for n in 1..=2 {
            let poll = driver.poll(joined.as_mut());
            assert!(
                poll.is_pending(),
                "a never finishes, so poll {n} of try_join(pending(), b) must be Pending, not {poll:?}"
            );
        }
        assert_eq!(
            driver.wakes(),
            0,
            "try_join(a, b) woke the waker although a is still waiting and b is done. Only the \
             inner futures know when they can progress; a future that wakes itself spins the \
             executor in a busy loop"
        );
    });
}

#[test]
fn trace_of_b_failing_while_a_waits() {
    let (output, _, trace) = within(LIMIT, || run(2, Ok("a"), 1, Err("b failed")));
    trace.push(format!("output: {output:?}"));
    insta::assert_snapshot!(drops_in_name_order(&trace.render()));
}

/// The trace with each run of consecutive `dropped` lines sorted by name:
/// the contract says what is dropped in which poll, not in which order.
fn drops_in_name_order(trace: &str) -> String {
    let mut lines: Vec<&str> = trace.lines().collect();
    for run in lines.chunk_by_mut(|x, y| x.ends_with(": dropped") && y.ends_with(": dropped")) {
        run.sort_unstable();
    }
    let mut sorted = lines.join("\n");
    sorted.push('\n');
    sorted
}

// On tokio: a fails after 30 ms, b would succeed after 50 ms. The whole
// future ends at 30 ms and b is dropped then. Paused time makes the clock
// exact; `within` bounds the test in case a `poll` loops.
#[test]
fn stops_at_the_first_error_on_tokio() {
    use std::sync::{Arc, Mutex};
    use tokio::time::{Instant, sleep, timeout};

    /// Records the time at which it is dropped.
    struct OnDrop(Instant, Arc<Mutex<Option<Duration>>>);
    impl Drop for OnDrop {
        fn drop(&mut self) {
            *self.1.lock().unwrap() = Some(self.0.elapsed());
        }
    }

    let (failed_at, b_dropped_at, both_at) = on_paused_tokio(LIMIT, || async {
        let start = Instant::now();
        let b_dropped = Arc::new(Mutex::new(None));
        let guard = OnDrop(start, b_dropped.clone());
        let a = Box::pin(async {
            sleep(Duration::from_millis(30)).await;
            Err::<&str, &str>("a failed")
        });
        let b = Box::pin(async move {
            let _guard = guard;
            sleep(Duration::from_millis(50)).await;
            Ok::<&str, &str>("b")
        });
        let output = timeout(Duration::from_secs(1), try_join(a, b))
            .await
            .expect("try_join(a, b) never finished on tokio: is each poll polling both?");
        assert_eq!(output, Err("a failed"), "a's error");
        let failed_at = start.elapsed();
        let b_dropped_at = *b_dropped.lock().unwrap();

        let start = Instant::now();
        let a = Box::pin(async {
            sleep(Duration::from_millis(30)).await;
            Ok::<&str, &str>("a")
        });
        let b = Box::pin(async {
            sleep(Duration::from_millis(50)).await;
            Ok::<&str, &str>("b")
        });
        let output = timeout(Duration::from_secs(1), try_join(a, b))
            .await
            .expect("try_join(a, b) never finished on tokio: is each poll polling both?");
        assert_eq!(output, Ok(("a", "b")), "both values, in argument order");
        (failed_at, b_dropped_at, start.elapsed())
    });
    assert_eq!(
        failed_at,
        Duration::from_millis(30),
        "a fails after 30ms, so try_join should end then, not wait for b's 50ms"
    );
    assert_eq!(
        b_dropped_at,
        Some(Duration::from_millis(30)),
        "b must be dropped (cancelled) when a fails, at 30ms"
    );
    assert_eq!(
        both_at,
        Duration::from_millis(50),
        "try_join of a 30ms and a 50ms timer that both succeed takes 50ms (the slower one), \
         not 80ms (one after the other)"
    );
}
