use std::cell::{Cell, RefCell};
use std::future::Future;
use std::rc::Rc;
use std::time::Duration;

use retry_backoff::{Failure, Policy, retry};
use tokio::time::{Instant, sleep, timeout};
use workbook_support::on_paused_tokio;

const LIMIT: Duration = Duration::from_secs(5);

/// What the attempt number `n` does: succeed or fail after some ms, or
/// never finish. It answers `Ok(n)` or `Err(n)`.
#[derive(Clone, Copy, Debug)]
enum Step {
    Succeed(u64),
    Fail(u64),
    Hang,
}

use Step::{Fail, Hang, Succeed};

/// What the tests see of the attempts. They hold an `Rc`, so they are
/// not `Send`: they run in the caller's task.
struct Log {
    start: Instant,
    /// When each attempt was made (its future created), in ms.
    made_at: RefCell<Vec<u128>>,
    /// When each attempt's future was dropped, in ms, by attempt number.
    dropped_at: RefCell<Vec<(usize, u128)>>,
    alive: Cell<usize>,
    most_alive: Cell<usize>,
}

impl Log {
    fn ms(&self) -> u128 {
        self.start.elapsed().as_millis()
    }
}

/// Marks its attempt dropped.
struct Alive(Rc<Log>, usize);

impl Drop for Alive {
    fn drop(&mut self) {
        let log = &self.0;
        log.alive.set(log.alive.get() - 1);
        log.dropped_at.borrow_mut().push((self.1, log.ms()));
    }
}

/// The future of attempt number `n`.
fn make(log: &Rc<Log>, n: usize, step: Step) -> impl Future<Output = Result<usize, usize>> + use<> {
    log.made_at.borrow_mut().push(log.ms());
    log.alive.set(log.alive.get() + 1);
    log.most_alive
        .set(log.most_alive.get().max(log.alive.get()));
    let alive = Alive(Rc::clone(log), n);
    async move {
        let _alive = alive;
        match step {
            Succeed(ms) => {
                sleep(Duration::from_millis(ms)).await;
                Ok(n)
            }
            Fail(ms) => {
                sleep(Duration::from_millis(ms)).await;
                Err(n)
            }
            Hang => std::future::pending().await,
        }
    }
}

/// What a call to `retry` did.
struct Run {
    result: Result<usize, Failure<usize>>,
    returned_at: u128,
    log: Rc<Log>,
}

impl Run {
    fn made_at(&self) -> Vec<u128> {
        self.log.made_at.borrow().clone()
    }
}

fn policy(attempts: u32, timeout_ms: u64, first_ms: u64, max_ms: u64) -> Policy {
    Policy {
        attempts,
        timeout: Duration::from_millis(timeout_ms),
        first_backoff: Duration::from_millis(first_ms),
        max_backoff: Duration::from_millis(max_ms),
    }
}

/// Runs `retry` with attempts that follow `steps` (an attempt beyond them
/// fails at once), and records what happened.
async fn run(policy: Policy, steps: &[Step], what: &str) -> Run {
    let log = Rc::new(Log {
        start: Instant::now(),
        made_at: RefCell::default(),
        dropped_at: RefCell::default(),
        alive: Cell::new(0),
        most_alive: Cell::new(0),
    });
    let steps = steps.to_vec();
    let attempts = Rc::clone(&log);
    let call = retry(policy, move || {
        let n = attempts.made_at.borrow().len() + 1;
        make(&attempts, n, steps.get(n - 1).copied().unwrap_or(Fail(0)))
    });
    match timeout(Duration::from_secs(3600), call).await {
        Ok(result) => Run {
            result,
            returned_at: log.ms(),
            log,
        },
        Err(_) => panic!(
            "{what}: `retry` had not returned an hour (of paused time) after it started; it had \
             made attempts at {:?} ms. Likely causes: an attempt that never finishes is awaited \
             for ever (each attempt must be given up `policy.timeout` after it started), or a \
             wait that grows without a cap (no wait is longer than `max_backoff`).",
            log.made_at.borrow()
        ),
    }
}

/// Explains a wrong list of attempt times, for a policy whose
/// `first_backoff` is `first_ms`.
fn diagnose(made_at: &[u128], expected: &[u128], first_ms: u128) -> &'static str {
    let gaps: Vec<u128> = made_at.windows(2).map(|w| w[1] - w[0]).collect();
    let expected_gaps: Vec<u128> = expected.windows(2).map(|w| w[1] - w[0]).collect();
    if made_at.len() != expected.len() {
        "The number of attempts is wrong: make exactly `policy.attempts`, unless one succeeds."
    } else if made_at.first().is_some_and(|&t| t > 0) {
        "The first attempt came late: nothing waits before the first attempt."
    } else if gaps.iter().all(|&gap| gap == 0) {
        "The attempts came one right after the other: without a wait in between, a failing \
         service is hammered at full speed. Wait after each failure, with tokio's timer (a \
         `std::thread::sleep` blocks the thread and does not move tokio's clock)."
    } else if gaps[0] + first_ms == expected_gaps[0] {
        "There was no wait between the first two attempts, and waits later on: an attempt was \
         made before the wait that precedes it (timeout/attempt() called before the sleep). \
         Make each attempt, and its timeout, only once its wait is over."
    } else if gaps[0] == expected_gaps[0] + first_ms {
        "The first wait was twice `first_backoff`: the first wait is `first_backoff` itself. \
         Is the wait doubled before it is used, rather than after?"
    } else if gaps.windows(2).all(|w| w[0] == w[1]) {
        "The wait is the same every time: it must double after each failure, up to the cap."
    } else if gaps.windows(2).any(|w| w[1] > w[0] && w[1] != 2 * w[0]) {
        "The wait grows, but not by doubling: each wait is twice the one before, up to the cap."
    } else {
        "Is each wait capped at `max_backoff`, and counted from the end of the failed attempt?"
    }
}

#[test]
fn the_first_success_is_returned_at_once() {
    on_paused_tokio(LIMIT, || async {
        let run = run(
            policy(3, 100, 10, 1000),
            &[Succeed(5)],
            "one attempt that succeeds",
        )
        .await;
        assert_eq!(
            (&run.result, run.returned_at),
            (&Ok(1), 5),
            "the first attempt succeeds after 5 ms: `retry` must return its Ok(1) then"
        );
        assert_eq!(run.made_at(), [0], "one success, one attempt, made at once");
    });
}

#[test]
fn waits_twice_as_long_after_each_failure() {
    on_paused_tokio(LIMIT, || async {
        let steps = [Fail(0), Fail(0), Fail(0), Fail(0), Succeed(0)];
        let run = run(
            policy(5, 1000, 10, 10_000),
            &steps,
            "four failures, then a success",
        )
        .await;
        let expected = [0, 10, 30, 70, 150];
        let made_at = run.made_at();
        assert_eq!(
            made_at,
            expected,
            "attempts that fail at once, 5 attempts, first_backoff 10 ms: the waits are 10, 20, \
             40 and 80 ms, so the attempts should be made at {expected:?} ms; they were made at \
             {made_at:?} ms. {}",
            diagnose(&made_at, &expected, 10)
        );
        assert_eq!(run.result, Ok(5), "the fifth attempt succeeds: Ok(5)");
        assert_eq!(run.returned_at, 150, "the fifth attempt succeeds at 150 ms");
    });
}

#[test]
fn the_wait_never_exceeds_max_backoff() {
    on_paused_tokio(LIMIT, || async {
        let run = run(policy(7, 1000, 10, 50), &[Fail(0); 7], "seven failures").await;
        let expected = [0, 10, 30, 70, 120, 170, 220];
        let made_at = run.made_at();
        assert_eq!(
            made_at,
            expected,
            "attempts that fail at once, 7 attempts, first_backoff 10 ms, max_backoff 50 ms: the \
             waits are 10, 20, 40, then 50, 50, 50 ms (80, 160 and 320 are capped), so the \
             attempts should be made at {expected:?} ms; they were made at {made_at:?} ms. {}",
            if made_at.len() == 7 && made_at[4] == 150 {
                "The waits were not capped: without a cap, a long outage makes the waits grow \
                 without end. Never wait longer than `max_backoff`."
            } else {
                diagnose(&made_at, &expected, 10)
            }
        );
    });
}

#[test]
fn no_wait_after_the_last_attempt() {
    on_paused_tokio(LIMIT, || async {
        let run = run(policy(3, 1000, 10, 1000), &[Fail(5); 3], "three failures").await;
        let expected = [0, 15, 40];
        let made_at = run.made_at();
        assert_eq!(
            made_at,
            expected,
            "attempts that fail after 5 ms, 3 attempts, first_backoff 10 ms: each wait starts \
             when an attempt has failed, so the attempts should be made at {expected:?} ms; they \
             were made at {made_at:?} ms. {}",
            if made_at == [0, 10, 30] {
                "The waits were counted from the start of each attempt: wait *after* the failure."
            } else {
                diagnose(&made_at, &expected, 10)
            }
        );
        assert_eq!(
            run.result,
            Err(Failure::Error(3)),
            "every attempt failed: `retry` must return the failure of the last one, \
             Err(Failure::Error(3))"
        );
        assert_eq!(
            run.returned_at, 45,
            "the last attempt failed at 45 ms, and `retry` returned at {} ms. There is no attempt \
             left to wait for: return the failure at once, without a wait after the last attempt.",
            run.returned_at
        );
    });
}

#[test]
fn a_slow_attempt_is_dropped_at_its_timeout_and_retried() {
    on_paused_tokio(LIMIT, || async {
        let run = run(
            policy(3, 100, 10, 1000),
            &[Hang, Succeed(10)],
            "an attempt that hangs",
        )
        .await;
        assert_eq!(
            run.result,
            Ok(2),
            "the first attempt never finishes and the second succeeds: after the first one's \
             timeout, retry, and return Ok(2)"
        );
        assert_eq!(
            run.made_at(),
            [0, 110],
            "timeout 100 ms, first_backoff 10 ms: the first attempt is given up at 100 ms, and \
             the second made at 110 ms"
        );
        assert_eq!(
            run.returned_at, 120,
            "the second attempt succeeds at 120 ms"
        );
        let dropped_at = run.log.dropped_at.borrow().clone();
        assert_eq!(
            dropped_at.first(),
            Some(&(1, 100)),
            "the first attempt should be dropped (cancelled) at its timeout, 100 ms; (attempt, \
             ms) drops seen: {dropped_at:?}"
        );
        assert_eq!(
            run.log.most_alive.get(),
            1,
            "one attempt at a time: the attempt that timed out must be dropped before the next \
             one is made"
        );
    });
}

#[test]
fn each_attempt_gets_the_whole_timeout() {
    on_paused_tokio(LIMIT, || async {
        let run = run(
            policy(3, 100, 10, 1000),
            &[Hang, Succeed(90)],
            "a hang, then a slow success",
        )
        .await;
        assert_eq!(
            (&run.result, run.returned_at),
            (&Ok(2), 200),
            "timeout 100 ms: the first attempt hangs and is given up at 100 ms; the second, made \
             at 110 ms, takes 90 ms, within its own 100 ms, and succeeds at 200 ms. Got {:?} at \
             {} ms, with attempts made at {:?} ms. {}",
            run.result,
            run.returned_at,
            run.made_at(),
            if run.result.is_err() {
                "Each attempt's timeout counts from that attempt's start: a deadline made once, \
                 before the loop, leaves the later attempts no time."
            } else {
                "Is there a wait, on tokio's clock, between the two attempts?"
            }
        );
    });
}

#[test]
fn when_every_attempt_times_out_the_failure_is_timed_out() {
    on_paused_tokio(LIMIT, || async {
        let run = run(
            policy(2, 100, 10, 1000),
            &[Hang, Hang],
            "two attempts that hang",
        )
        .await;
        assert_eq!(
            (&run.result, run.returned_at),
            (&Err(Failure::TimedOut), 210),
            "timeout 100 ms, 2 attempts that never finish: given up at 100 ms, then after a \
             10 ms wait at 210 ms; `retry` returns Err(Failure::TimedOut) then. Got {:?} at {} \
             ms. {}",
            run.result,
            run.returned_at,
            match run.returned_at {
                100 =>
                    "A timeout is a failure like any other: retry after it, while attempts \
                        are left.",
                200 =>
                    "The second attempt was given up 100 ms after the first one's end, as if \
                        its timeout started before the wait: an attempt was made before the wait \
                        that precedes it (timeout/attempt() called before the sleep). A `timeout` \
                        counts from the moment it is called.",
                220 =>
                    "The wait was 20 ms: the first wait is `first_backoff` itself, doubled \
                        only for the wait after it.",
                _ =>
                    "Is there one wait of `first_backoff` between the attempts, on tokio's \
                      clock, and none after the last?",
            }
        );
        assert_eq!(
            run.made_at(),
            [0, 110],
            "the attempts are made at 0 and 110 ms"
        );
    });
}

#[test]
fn a_single_attempt_never_waits() {
    on_paused_tokio(LIMIT, || async {
        let run = run(
            policy(1, 100, 10, 1000),
            &[Fail(3)],
            "one attempt that fails",
        )
        .await;
        assert_eq!(
            (&run.result, run.returned_at),
            (&Err(Failure::Error(1)), 3),
            "`attempts: 1` and a failure after 3 ms: return Err(Failure::Error(1)) at 3 ms, \
             with no wait after it. Got {:?} at {} ms",
            run.result,
            run.returned_at
        );
        assert_eq!(run.made_at(), [0], "`attempts: 1` makes one attempt");
    });
}

#[test]
fn a_first_backoff_above_the_cap_is_capped_too() {
    on_paused_tokio(LIMIT, || async {
        let run = run(
            policy(3, 100, 100, 30),
            &[Fail(0); 3],
            "first_backoff above max_backoff",
        )
        .await;
        assert_eq!(
            run.made_at(),
            [0, 30, 60],
            "first_backoff 100 ms and max_backoff 30 ms: no wait is longer than 30 ms, the first \
             one included"
        );
    });
}

#[test]
fn many_attempts_do_not_overflow_the_wait() {
    on_paused_tokio(LIMIT, || async {
        let run = run(policy(200, 100, 1, 10), &[Fail(0); 200], "200 failures").await;
        assert_eq!(
            run.result,
            Err(Failure::Error(200)),
            "200 attempts that all fail: the result is the failure of the 200th"
        );
        assert_eq!(
            run.returned_at,
            1 + 2 + 4 + 8 + 10 * 195,
            "200 attempts, first_backoff 1 ms, max_backoff 10 ms: waits of 1, 2, 4, 8, then \
             195 waits of 10 ms"
        );
    });
}
