//! Running a job on a schedule, with a time budget for each run.
//!
//! Why this works: `tokio::time::interval` fixes the schedule in advance
//! (tick `n` is due `n * period` after the first), so the time a run
//! takes does not push the later runs back, and its first tick completes
//! at once. Its default for missed ticks, `Burst`, would fire every missed
//! tick back to back after a late run; `MissedTickBehavior::Delay` instead
//! fires the late tick at once and schedules the next one a full period
//! after it (for a tick more than 5 ms late: tokio treats one less late
//! than that as on time). Each run is wrapped in `timeout(budget, ..)`,
//! called right after the tick, at the run's real start (its deadline is
//! fixed when `timeout` is called). When the budget is over, the `Timeout`
//! completes with `Err(Elapsed)` and `.await` drops it at once, and the
//! run's future with it: that drop is the cancellation.

use std::future::Future;
use std::time::Duration;

use tokio::time::{MissedTickBehavior, interval, timeout};

/// How one run of the job ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Run {
    /// The job finished within its budget.
    Done,
    /// The job was still running when its budget ran out, and was cancelled.
    TimedOut,
}

/// Runs `job(0)`, `job(1)`, ... `job(rounds - 1)`, one after the other, on
/// a schedule of one run per `period`, and returns how each run ended.
///
/// - **The schedule.** The first run starts at once. While every run ends
///   before the next one is due, run `n` starts `n * period` after the
///   first: the time a run takes does not push the later ones back.
/// - **After a late run.** When a run ends after the next start was due
///   (by more than a few milliseconds), the next run starts at once, and
///   the schedule carries on from there, one `period` apart. Missed starts
///   are not made up: no burst of runs, and the run after the late one
///   starts a full `period` after it. (A run that ends only a few
///   milliseconds late may keep the old schedule, as tokio's own interval
///   does; the tests do not look at that case.)
/// - **The budget.** Each run gets `budget`, counted from its own start.
///   A run still going when its budget is over is cancelled (its future
///   is dropped) and counts as [`Run::TimedOut`]; the schedule goes on.
///
/// Call it inside a tokio runtime with the time driver (the tests pause
/// the clock, so every start can be checked to the millisecond).
pub async fn every<F, Fut>(
    period: Duration,
    budget: Duration,
    rounds: usize,
    mut job: F,
) -> Vec<Run>
where
    F: FnMut(usize) -> Fut,
    Fut: Future<Output = ()>,
{
    let mut ticks = interval(period);
    ticks.set_missed_tick_behavior(MissedTickBehavior::Delay);
    let mut outcomes = Vec::with_capacity(rounds);
    for round in 0..rounds {
        ticks.tick().await; // the first tick completes at once
        let outcome = match timeout(budget, job(round)).await {
            Ok(()) => Run::Done,
            Err(_) => Run::TimedOut,
        };
        outcomes.push(outcome);
    }
    outcomes
}
