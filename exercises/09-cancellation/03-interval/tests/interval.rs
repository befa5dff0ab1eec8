use std::cell::RefCell;
use std::rc::Rc;
use std::time::Duration;

use interval::{Run, every};
use tokio::time::{Instant, sleep, timeout};
use workbook_support::on_paused_tokio;

const LIMIT: Duration = Duration::from_secs(5);

fn ms(n: u64) -> Duration {
    Duration::from_millis(n)
}

/// What the tests saw of the runs: the round number each run was given,
/// when it started and when its future was dropped (ms after the call).
#[derive(Default)]
struct Seen {
    rounds: Vec<usize>,
    starts: Vec<u64>,
    dropped: Vec<u64>,
}

/// Records when a run's future is dropped, finished or not.
struct OnDrop(Rc<RefCell<Seen>>, Instant);

impl Drop for OnDrop {
    fn drop(&mut self) {
        let at = self.1.elapsed().as_millis() as u64;
        self.0.borrow_mut().dropped.push(at);
    }
}

/// Calls `every` with jobs that take the given times (`None`: never ends).
async fn schedule(period: u64, budget: u64, takes: &[Option<u64>]) -> (Vec<Run>, Seen) {
    let seen = Rc::new(RefCell::new(Seen::default()));
    let start = Instant::now();
    let job = {
        let (seen, takes) = (seen.clone(), takes.to_vec());
        move |round: usize| {
            let seen = seen.clone();
            let takes = takes.get(round).copied().flatten();
            async move {
                seen.borrow_mut().rounds.push(round);
                seen.borrow_mut()
                    .starts
                    .push(start.elapsed().as_millis() as u64);
                let _on_drop = OnDrop(seen, start);
                match takes {
                    Some(n) => sleep(ms(n)).await,
                    None => std::future::pending().await,
                }
            }
        }
    };
    let call = every(ms(period), ms(budget), takes.len(), job);
    let outcomes = match timeout(Duration::from_secs(3600), call).await {
        Ok(outcomes) => outcomes,
        Err(_) => panic!(
            "every(period {period} ms, budget {budget} ms, {} rounds) had not returned after an \
             hour (of paused time); the runs started at {:?} ms. A run that never finishes must \
             be cancelled when its budget is over, and the schedule must go on.",
            takes.len(),
            seen.borrow().starts
        ),
    };
    let seen = Rc::try_unwrap(seen)
        .ok()
        .expect("every returned, so its job is dropped")
        .into_inner();
    (outcomes, seen)
}

#[test]
fn the_first_run_starts_at_once_then_one_per_period() {
    on_paused_tokio(LIMIT, || async {
        let (outcomes, seen) = schedule(10, 50, &[Some(3); 4]).await;
        assert_eq!(
            seen.rounds,
            [0, 1, 2, 3],
            "every(.., 4 rounds, job) must call job(0), job(1), job(2), job(3), in order"
        );
        assert_eq!(
            outcomes,
            [Run::Done; 4],
            "four runs of 3 ms within a budget of 50 ms all finish: expected Done each time"
        );
        assert_eq!(
            seen.starts[0], 0,
            "the first run must start at once (at 0 ms), not one period later; it started at \
             {} ms",
            seen.starts[0]
        );
        assert_eq!(
            seen.starts,
            [0, 10, 20, 30],
            "with a period of 10 ms and runs of 3 ms, the runs must start at 0, 10, 20 and 30 ms. \
             If they drift (0, 13, 26, ..), the wait is counted from the end of each run (a \
             sleep after each run, or a new timer made for each run): the schedule must be \
             fixed once, in advance, whatever each run takes."
        );
    });
}

#[test]
fn a_late_run_is_not_followed_by_a_burst_of_catch_up_runs() {
    on_paused_tokio(LIMIT, || async {
        // Run 0 takes 35 ms: the starts due at 10, 20 and 30 ms are missed.
        let (outcomes, seen) = schedule(10, 50, &[Some(35), Some(1), Some(1), Some(1)]).await;
        assert_eq!(
            outcomes,
            [Run::Done; 4],
            "every run took at most 35 ms of its 50 ms budget, yet not every one ended Done: \
             is each run's budget counted from that run's own start? The deadline of \
             `timeout` is fixed when `timeout` is called, not when it is first polled."
        );
        let gaps: Vec<u64> = seen.starts.windows(2).map(|w| w[1] - w[0]).collect();
        assert!(
            gaps.iter().all(|&gap| gap >= 10),
            "the first run took 35 ms with a period of 10 ms, and the runs then started at {:?} \
             ms: gaps of {gaps:?} ms. The missed starts must not be made up in a burst of runs \
             back to back, nor squeezed in on the old grid: the task \
             asked for runs at least one period apart. An interval's default behaviour for \
             missed ticks is to burst; choose the behaviour that starts the schedule again \
             from the late tick.",
            seen.starts
        );
        assert_eq!(
            seen.starts,
            [0, 35, 45, 55],
            "after a first run of 35 ms, with a period of 10 ms, the next run is late and \
             starts at once (35 ms), and the schedule goes on from there: 45, 55"
        );
    });
}

#[test]
fn a_run_that_outlives_its_budget_is_cancelled_and_the_schedule_goes_on() {
    on_paused_tokio(LIMIT, || async {
        let (outcomes, seen) = schedule(10, 4, &[Some(2), None, Some(3), Some(1)]).await;
        assert_eq!(
            outcomes,
            [Run::Done, Run::TimedOut, Run::Done, Run::Done],
            "with a budget of 4 ms, runs taking 2 ms, for ever, 3 ms and 1 ms must end Done, \
             TimedOut, Done, Done. If runs that take less than 4 ms timed out, their budget was \
             counted from too early: the deadline of `timeout` is fixed when `timeout` is \
             called, not when it is first polled. Each run needs a budget of its own, made \
             when the run starts (after the wait for its turn), not before that wait and not \
             once for the whole schedule."
        );
        assert_eq!(
            seen.dropped,
            [2, 14, 23, 31],
            "each run's future must be dropped when it ends, and the run that never ends when \
             its budget is over (10 + 4 = 14 ms): that drop is its cancellation"
        );
        assert_eq!(
            seen.starts,
            [0, 10, 20, 30],
            "a run cut off by its budget must not disturb the schedule"
        );
    });
}

#[test]
fn each_run_gets_its_whole_budget_even_when_it_starts_late() {
    on_paused_tokio(LIMIT, || async {
        // Run 0 ends at 24 ms, after the start due at 10 ms; run 1 starts
        // at once, late, and takes 24 ms of its 25.
        let (outcomes, seen) = schedule(10, 25, &[Some(24), Some(24), Some(1)]).await;
        assert_eq!(
            outcomes,
            [Run::Done; 3],
            "run 1 started late, at 24 ms, and took 24 ms of its 25 ms budget, yet it was cut \
             off: the budget must be counted from the moment the run starts, not from the \
             instant it was due (which an interval's tick returns), nor from an earlier \
             instant (the deadline of `timeout` is fixed when `timeout` is called)"
        );
        assert_eq!(
            seen.starts,
            [0, 24, 48],
            "the runs start at 0, 24 and 48 ms"
        );
    });
}

#[test]
fn no_rounds_no_runs() {
    on_paused_tokio(LIMIT, || async {
        let start = Instant::now();
        let (outcomes, seen) = schedule(10, 5, &[]).await;
        assert!(
            outcomes.is_empty() && seen.starts.is_empty(),
            "0 rounds: no run, and an empty Vec"
        );
        assert_eq!(
            start.elapsed(),
            Duration::ZERO,
            "0 rounds: every must return at once, without waiting for a period"
        );
    });
}
