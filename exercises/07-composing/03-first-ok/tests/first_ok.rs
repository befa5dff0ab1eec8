use std::cell::{Cell, RefCell};
use std::future::Future;
use std::rc::Rc;
use std::time::Duration;

use first_ok::first_ok;
use tokio::time::{Instant, sleep, timeout};
use workbook_support::on_paused_tokio;

const LIMIT: Duration = Duration::from_secs(5);

type Outcome = Result<&'static str, &'static str>;

const SUCCEEDS: bool = true;
const FAILS: bool = false;

/// What the tests see of the attempts of one race. The attempts hold an
/// `Rc`, so they are not `Send`: they run in the caller's task.
#[derive(Default)]
struct Probe {
    /// Attempts created and not dropped yet.
    alive: Cell<usize>,
    running: Cell<usize>,
    most_running: Cell<usize>,
    /// The names of the attempts that ran to their end, in order.
    finished: RefCell<Vec<&'static str>>,
}

/// Counts an attempt as alive until it is dropped.
struct Alive(Rc<Probe>);

impl Drop for Alive {
    fn drop(&mut self) {
        self.0.alive.set(self.0.alive.get() - 1);
    }
}

/// An attempt called `name` that takes `ms` and then succeeds (`Ok(name)`)
/// or fails (`Err(name)`).
fn attempt(
    probe: &Rc<Probe>,
    name: &'static str,
    ms: u64,
    succeeds: bool,
) -> impl Future<Output = Outcome> + use<> {
    probe.alive.set(probe.alive.get() + 1);
    let alive = Alive(Rc::clone(probe));
    async move {
        let probe = &alive.0;
        probe.running.set(probe.running.get() + 1);
        probe
            .most_running
            .set(probe.most_running.get().max(probe.running.get()));
        sleep(Duration::from_millis(ms)).await;
        probe.running.set(probe.running.get() - 1);
        probe.finished.borrow_mut().push(name);
        if succeeds { Ok(name) } else { Err(name) }
    }
}

/// Runs a race to its end; returns its result and when it ended, in ms.
async fn race<F>(attempts: Vec<F>, what: &str) -> (Result<&'static str, Vec<&'static str>>, u128)
where
    F: Future<Output = Outcome>,
{
    let start = Instant::now();
    match timeout(Duration::from_secs(3600), first_ok(attempts)).await {
        Ok(result) => (result, start.elapsed().as_millis()),
        Err(_) => panic!(
            "{what}: `first_ok` had not returned an hour (of paused time) after it started, \
             though every attempt takes a few ms. Likely cause: it waits for something that \
             never comes, such as one more result after the last attempt has finished."
        ),
    }
}

#[test]
fn returns_the_first_success() {
    on_paused_tokio(LIMIT, || async {
        let probe = Rc::new(Probe::default());
        let attempts = vec![
            attempt(&probe, "a", 30, SUCCEEDS),
            attempt(&probe, "b", 10, SUCCEEDS),
            attempt(&probe, "c", 20, SUCCEEDS),
        ];
        let (result, at) = race(attempts, "a (ok, 30 ms), b (ok, 10 ms), c (ok, 20 ms)").await;
        assert_eq!(
            (result.clone(), at),
            (Ok("b"), 10),
            "attempts a (ok after 30 ms), b (ok after 10 ms) and c (ok after 20 ms): the first \
             to succeed is b, at 10 ms; got {result:?} at {at} ms. {}",
            if at == 30 {
                "Returning at 30 ms means waiting for every attempt: return the moment one succeeds."
            } else if at == 60 {
                "60 ms is the sum: the attempts ran one after the other. Start them all at once."
            } else {
                "The winner is the first to finish with Ok, not the first in the list."
            }
        );
    });
}

#[test]
fn a_failure_does_not_end_the_race() {
    on_paused_tokio(LIMIT, || async {
        let probe = Rc::new(Probe::default());
        let attempts = vec![
            attempt(&probe, "x", 5, FAILS),
            attempt(&probe, "y", 20, SUCCEEDS),
            attempt(&probe, "z", 10, FAILS),
        ];
        let (result, at) = race(attempts, "x (fails, 5 ms), y (ok, 20 ms), z (fails, 10 ms)").await;
        assert_eq!(
            (result.clone(), at),
            (Ok("y"), 20),
            "attempts x (fails after 5 ms), y (ok after 20 ms) and z (fails after 10 ms): y \
             succeeds at 20 ms, and that is the result; got {result:?} at {at} ms. {}",
            if probe.most_running.get() == 1 {
                "The attempts ran one after the other: start them all at once."
            } else if result.is_err() && at == 5 {
                "The first failure ended the race, as in a try_join: here a failure only counts \
                 once every attempt has failed. Keep it, and wait for the others."
            } else if result.is_err() && at < 20 {
                "The race was given up while y was still running, before its success came: \
                 errors end the race only when no attempt is left running. Is the last attempt \
                 waited for, or does the loop stop one early?"
            } else if at > 20 {
                "y succeeded at 20 ms: return the moment the first Ok arrives."
            } else {
                "The result is the first Ok to arrive, whichever attempt failed before it."
            }
        );
    });
}

#[test]
fn every_attempt_runs_from_the_start() {
    on_paused_tokio(LIMIT, || async {
        let probe = Rc::new(Probe::default());
        let attempts = vec![
            attempt(&probe, "first", 10, FAILS),
            attempt(&probe, "second", 10, FAILS),
            attempt(&probe, "third", 10, SUCCEEDS),
        ];
        let (result, at) = race(attempts, "three attempts of 10 ms, the last one ok").await;
        assert_eq!(
            result,
            Ok("third"),
            "`first` and `second` fail and `third` succeeds, all after 10 ms: the only success \
             is `third`, and it is the result; got {result:?}. An error must not end the race."
        );
        assert_eq!(
            (probe.most_running.get(), at),
            (3, 10),
            "three attempts of 10 ms each: all three should run at once, and the race end at \
             10 ms; at most {} ran at once, and it ended at {at} ms. Trying one after the other \
             (a fallback chain) is not a race: the attempts must all be in flight from the start.",
            probe.most_running.get()
        );
    });
}

#[test]
fn the_others_are_dropped_when_one_succeeds() {
    on_paused_tokio(LIMIT, || async {
        let probe = Rc::new(Probe::default());
        let attempts = vec![
            attempt(&probe, "slow", 1000, SUCCEEDS),
            attempt(&probe, "fast", 10, SUCCEEDS),
            attempt(&probe, "failing", 500, FAILS),
        ];
        let (result, at) = race(attempts, "slow (1000 ms), fast (10 ms), failing (500 ms)").await;
        assert_eq!(
            (result.clone(), at),
            (Ok("fast"), 10),
            "attempts slow (ok after 1000 ms), fast (ok after 10 ms) and failing (fails after \
             500 ms): `fast` wins at 10 ms; got {result:?} at {at} ms. {}",
            match (&result, at) {
                (Ok("fast"), _) =>
                    "`fast` won, but `first_ok` returned later: return the moment \
                                    the first Ok arrives, without waiting for the others.",
                (_, 1000 | 1510) =>
                    "That is when `slow` ended: the attempts were all awaited \
                                     (together or one after the other). Start them all at once \
                                     and stop at the first Ok.",
                _ => "The winner is the first to finish with Ok, not the first in the list.",
            }
        );
        assert_eq!(
            probe.alive.get(),
            0,
            "when `first_ok` returned, {} attempts were still alive (not dropped). The losers \
             must be dropped, which cancels them, before `first_ok` returns: nobody will use \
             their results.",
            probe.alive.get()
        );
        sleep(Duration::from_secs(2)).await;
        assert_eq!(
            *probe.finished.borrow(),
            ["fast"],
            "after `fast` won, the other attempts still ran to their end: they must be \
             cancelled, not finished"
        );
    });
}

#[test]
fn when_every_attempt_fails_it_returns_every_error_in_the_order_they_failed() {
    on_paused_tokio(LIMIT, || async {
        let probe = Rc::new(Probe::default());
        let attempts = vec![
            attempt(&probe, "a", 30, FAILS),
            attempt(&probe, "b", 10, FAILS),
            attempt(&probe, "c", 20, FAILS),
        ];
        let (result, at) = race(attempts, "three failing attempts").await;
        assert_eq!(
            (result.clone(), at),
            (Err(vec!["b", "c", "a"]), 30),
            "attempts a (fails after 30 ms), b (10 ms) and c (20 ms): expected every error, in \
             the order they failed, at 30 ms, when the last one failed; got {result:?} at {at} \
             ms. {}",
            match &result {
                Err(errors) if errors.len() == 1 =>
                    "Only one error: keep each error as it comes, and return them all.",
                Err(errors) if errors.as_slice() == ["a", "b", "c"] =>
                    "These are in the order of the list: put each error in as it happens.",
                Err(errors) if errors.len() < 3 && at < 30 =>
                    "The race was given up before the last attempt had failed: `a` was still \
                     running. Is the last attempt waited for, or does the loop stop one early? \
                     Return the errors only once no attempt is left running.",
                Ok(_) => "No attempt succeeded: an `Err` is not a success.",
                _ =>
                    "Keep every error, in the order they come, and return them when the last \
                      attempt has failed.",
            }
        );
        assert_eq!(
            probe.alive.get(),
            0,
            "every attempt must be dropped by then"
        );
    });
}

#[test]
fn many_attempts_where_only_the_slowest_succeeds() {
    on_paused_tokio(LIMIT, || async {
        let probe = Rc::new(Probe::default());
        let mut attempts: Vec<_> = (1..=40)
            .map(|ms| attempt(&probe, "fails", ms, FAILS))
            .collect();
        attempts.push(attempt(&probe, "slowest", 50, SUCCEEDS));
        let (result, at) = race(attempts, "40 failing attempts and a slow success").await;
        assert_eq!(
            (result.clone(), at),
            (Ok("slowest"), 50),
            "40 attempts fail in the first 40 ms, and one succeeds at 50 ms: that success is the \
             result, at 50 ms; got {} at {at} ms. {}",
            match &result {
                Ok(value) => format!("Ok({value:?})"),
                Err(errors) => format!("Err of {} errors", errors.len()),
            },
            if result.is_err() && at < 50 {
                "The race was given up before the last attempt, the only success, had finished: \
                 errors end the race only when no attempt is left running."
            } else if at > 50 {
                "It came late: were the attempts run one after the other?"
            } else {
                "Is every error kept and the race carried on until an Ok comes?"
            }
        );
        assert_eq!(
            probe.most_running.get(),
            41,
            "all 41 attempts should run at once"
        );
    });
}

#[test]
fn no_attempts_is_an_error_at_once() {
    on_paused_tokio(LIMIT, || async {
        let probe = Rc::new(Probe::default());
        let mut attempts = vec![attempt(&probe, "never", 1, SUCCEEDS)];
        attempts.clear();
        let (result, at) = race(attempts, "no attempts").await;
        assert_eq!(
            (result, at),
            (Err(vec![]), 0),
            "with no attempts, nothing can succeed: `first_ok` must return Err of an empty Vec, \
             at once (and not panic)"
        );
    });
}
