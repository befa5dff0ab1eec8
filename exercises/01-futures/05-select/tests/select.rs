use std::any::Any;
use std::future::Future;
use std::panic::{AssertUnwindSafe, catch_unwind, resume_unwind};
use std::pin::pin;
use std::time::Duration;

use select::{Either, select};
use workbook_support::{Driver, Limits, Scripted, Trace, on_paused_tokio, within};

const LIMIT: Duration = Duration::from_secs(5);

/// Polls `future` until it is ready, like an executor that polls again only
/// after a wake-up, and says which poll it was ready on. If that fails, the
/// trace so far (when there is one) is printed under the failure message.
fn drive<F: Future>(driver: &mut Driver, trace: Option<&Trace>, future: F) -> (F::Output, usize) {
    driver.when_not_woken(
        "In that poll, neither a nor b returned Pending (the trace below shows which of them \
         were polled at all), so nothing will wake the task. Each poll must poll a, then b, \
         until one of them is Ready: the ones that return Pending arrange the wake-up.",
    );
    match catch_unwind(AssertUnwindSafe(|| {
        driver.run(future, Limits { max_polls: 20 })
    })) {
        Ok(output) => (output, driver.polls()),
        Err(payload) => {
            if let Some(trace) = trace {
                eprintln!("What happened until then:\n{}", trace.render());
            }
            resume_unwind(payload)
        }
    }
}

type Race = Either<(&'static str, Scripted<&'static str>), (&'static str, Scripted<&'static str>)>;

/// Races `a` (Pending `pa` times, then "a") against `b` (Pending `pb` times,
/// then "b"), and returns the result, the poll it was ready on, and the trace.
fn race(pa: usize, pb: usize, trace: &Trace) -> (Race, usize) {
    let a = Scripted::new("a", trace, pa, "a").trace_drop();
    let b = Scripted::new("b", trace, pb, "b").trace_drop();
    let times = |n: usize| match n {
        1 => "1 time".to_owned(),
        n => format!("{n} times"),
    };
    let name = format!(
        "select(a, b) (a: Pending {}, b: Pending {})",
        times(pa),
        times(pb)
    );
    let mut driver = Driver::traced(&name, trace);
    drive(&mut driver, Some(trace), select(a, b))
}

fn inner_polls(trace: &Trace) -> Vec<String> {
    trace
        .events()
        .into_iter()
        .filter(|e| (e.starts_with("  a: ") || e.starts_with("  b: ")) && !e.ends_with("dropped"))
        .map(|e| e.trim().to_owned())
        .collect()
}

fn panic_message(payload: &(dyn Any + Send)) -> String {
    if let Some(s) = payload.downcast_ref::<&str>() {
        (*s).to_owned()
    } else if let Some(s) = payload.downcast_ref::<String>() {
        s.clone()
    } else {
        "(not a string)".to_owned()
    }
}

#[test]
fn each_poll_polls_a_then_b() {
    within(LIMIT, || {
        let trace = Trace::new();
        let a = Scripted::new("a", &trace, 2, "a");
        let b = Scripted::new("b", &trace, 2, "b");
        let mut driver = Driver::new("select(a, b)");
        let mut race = pin!(select(a, b));
        for n in 1..=2 {
            let poll = driver.poll(race.as_mut());
            let polled = inner_polls(&trace);
            assert_eq!(
                polled,
                ["a: Pending", "b: Pending"].repeat(n),
                "poll {n} of select(a, b), where neither is ready yet, must poll a, then b"
            );
            assert!(poll.is_pending(), "neither a nor b is ready on poll {n}");
        }
    });
}

#[test]
fn b_wins_when_it_finishes_first() {
    within(LIMIT, || {
        let trace = Trace::new();
        let (result, polls) = race(3, 0, &trace);
        let Either::Right((output, a)) = result else {
            panic!(
                "b is Ready on the first poll and a is not, so b wins: expected Right; trace:\n{}",
                trace.render()
            );
        };
        assert_eq!(output, "b", "b won, so the output is b's");
        assert_eq!(
            polls, 1,
            "b was Ready on the first poll, so select(a, b) should be Ready on poll 1"
        );
        assert_eq!(
            a.pending_left(),
            2,
            "a is handed back after being polled once (a, then b): it should have 2 of its \
             3 Pendings left; trace:\n{}",
            trace.render()
        );
    });
}

#[test]
fn a_wins_a_tie_and_b_is_not_polled() {
    within(LIMIT, || {
        for pending in [0, 2] {
            let trace = Trace::new();
            let (result, polls) = race(pending, pending, &trace);
            let Either::Left((output, mut b)) = result else {
                panic!(
                    "a and b are both ready on poll {}: a is polled first, so a must win \
                     (Left), as in futures::future::select; trace:\n{}",
                    pending + 1,
                    trace.render()
                );
            };
            assert_eq!(output, "a", "a won, so the output is a's");
            assert_eq!(
                polls,
                pending + 1,
                "a and b are both ready on poll {}, so select(a, b) is Ready on that poll",
                pending + 1
            );
            assert_eq!(
                inner_polls(&trace).last().map(String::as_str),
                Some("a: Ready(\"a\")"),
                "a won on poll {polls}, so select must return without polling b in that poll; \
                 the caller gets b back to drive, and a b polled to Ready here would lose its \
                 output; trace:\n{}",
                trace.render()
            );
            // The caller can still finish b and get its output.
            let mut driver = Driver::new("the handed-back b");
            let (output, _) = drive(&mut driver, None, &mut b);
            assert_eq!(output, "b", "the handed-back b, driven on, outputs \"b\"");
        }
    });
}

#[test]
fn the_loser_keeps_its_progress_and_is_not_dropped() {
    within(LIMIT, || {
        let trace = Trace::new();
        let (result, polls) = race(3, 1, &trace);
        assert_eq!(
            polls, 2,
            "b is Ready on poll 2, so select(a, b) is Ready on poll 2"
        );
        let Either::Right((output, mut a)) = result else {
            panic!(
                "b finished first, expected Right; trace:\n{}",
                trace.render()
            );
        };
        assert_eq!(output, "b", "b won, so the output is b's");
        assert_eq!(
            trace.count(|e| e == "  a: dropped"),
            0,
            "the loser a must be handed back, not dropped; trace:\n{}",
            trace.render()
        );
        assert_eq!(
            a.pending_left(),
            1,
            "a was polled twice during the race, so 1 of its 3 Pendings is left"
        );
        let mut driver = Driver::new("the handed-back a");
        let (output, polls) = drive(&mut driver, None, &mut a);
        assert_eq!(output, "a", "the handed-back a, driven on, outputs \"a\"");
        assert_eq!(
            polls, 2,
            "the handed-back a should finish after its 1 remaining Pending: it keeps its progress"
        );
    });
}

#[test]
fn panics_when_polled_after_it_completed() {
    within(LIMIT, || {
        let trace = Trace::new();
        let a = Scripted::new("a", &trace, 0, "a");
        let b = Scripted::new("b", &trace, 0, "b");
        let mut driver = Driver::new("select(a, b)");
        let mut race = pin!(select(a, b));
        assert!(driver.poll(race.as_mut()).is_ready(), "a is Ready at once");
        let again = catch_unwind(AssertUnwindSafe(|| driver.poll(race.as_mut()).is_ready()));
        match again {
            Ok(ready) => panic!(
                "a finished select(a, b) was polled again and returned {}; it must panic \
                 with \"select: polled after it completed\", like futures::future::select \
                 does",
                if ready { "Ready" } else { "Pending" }
            ),
            Err(payload) => {
                let message = panic_message(payload.as_ref());
                assert!(
                    message.contains("select: polled after it completed"),
                    "polling a finished select(a, b) should panic with \"select: polled after \
                     it completed\", but it panicked with: {message}"
                );
            }
        }
    });
}

#[test]
fn wakes_only_through_the_inner_futures() {
    within(LIMIT, || {
        let trace = Trace::new();
        race(2, 3, &trace);
        let wakes = trace.count(|e| e == "  wake");
        assert_eq!(
            wakes,
            4,
            "a and b each returned Pending twice and woke the waker each time, so it should \
             be woken 4 times, not {wakes}. More: select(a, b) woke the waker itself (the \
             executor then polls it for nothing) or polled b after a had won. Fewer: a poll \
             skipped a or b.\ntrace:\n{}",
            trace.render()
        );

        let mut driver = Driver::new("select(pending(), pending())");
        let never = std::future::pending::<()>;
        let mut race = pin!(select(never(), never()));
        assert!(
            driver.poll(race.as_mut()).is_pending(),
            "neither future can ever finish, so select(pending(), pending()) must be Pending"
        );
        assert_eq!(
            driver.wakes(),
            0,
            "select(a, b) woke the waker although neither a nor b can progress: only the \
             inner futures know when to wake"
        );
    });
}

#[test]
fn trace_of_a_race_and_the_loser_driven_to_the_end() {
    let trace = Trace::new();
    let traced = trace.clone();
    within(LIMIT, move || {
        let (result, _) = race(3, 1, &trace);
        let Either::Right((output, mut a)) = result else {
            panic!(
                "b finished first, expected Right; trace:\n{}",
                trace.render()
            );
        };
        trace.push(format!("select output: Right(({output:?}, a))"));
        trace.push("the caller keeps driving a:");
        let mut driver = Driver::traced("the handed-back a", &trace);
        let (output, _) = drive(&mut driver, None, &mut a);
        trace.push(format!("a output: {output:?}"));
        drop(a);
    });
    insta::assert_snapshot!(traced.render());
}

// On tokio: the winner finishes at 30ms; the loser, driven on, finishes at
// 50ms because its timer kept running. Paused time makes the clock exact;
// `within` bounds the test in case a `poll` loops.
#[test]
fn the_loser_keeps_running_on_tokio() {
    use tokio::time::{Instant, sleep, timeout};
    let (winner_at, loser_at) = on_paused_tokio(LIMIT, || async {
        let start = Instant::now();
        let slow = Box::pin(async {
            sleep(Duration::from_millis(50)).await;
            "slow"
        });
        let fast = Box::pin(async {
            sleep(Duration::from_millis(30)).await;
            "fast"
        });
        let result = timeout(Duration::from_secs(1), select(slow, fast))
            .await
            .expect("select(slow, fast) never finished on tokio: is each poll polling both?");
        let Either::Right((output, slow)) = result else {
            panic!("the 30ms future should beat the 50ms one");
        };
        assert_eq!(output, "fast", "the 30ms future wins");
        let winner_at = start.elapsed();
        assert_eq!(
            slow.await,
            "slow",
            "the handed-back loser finishes with its output"
        );
        (winner_at, start.elapsed())
    });
    assert_eq!(
        (winner_at, loser_at),
        (Duration::from_millis(30), Duration::from_millis(50)),
        "the winner should finish at 30ms and the handed-back loser at 50ms"
    );
}
