//! A server of jobs that shuts down gracefully.
//!
//! Why this works: every job runs as a task in a `JoinSet`, which `serve`
//! owns, so no job outlives it. The serving loop is a `biased` `select!`
//! that looks at the cancellation first: when the token is cancelled and a
//! job is waiting in the channel, the cancellation wins, and no job starts
//! after the request to stop. All three branches are cancel-safe
//! (`cancelled`, `recv`, `join_next`), so the branches that lose a turn
//! lose nothing. Once asked to stop, `serve` drops the receiver, and with
//! it the jobs never started, then drains the set with `join_next` against
//! one deadline, made once, `grace` after the request. If the deadline
//! comes first, `abort_all` cancels what is left and `join_next` waits for
//! each aborted task to be dropped, so by the time `serve` returns every
//! job has ended or been dropped. That wait is needed: `abort` only asks,
//! and a task in the middle of a poll on another worker thread is dropped
//! when that poll returns; a `yield_now` after `abort_all` happens to be
//! enough on a current-thread runtime, never on a multi-thread one. A finished join counts as finished, a
//! cancelled one as cancelled.

use std::future::Future;
use std::pin::Pin;
use std::time::Duration;

use tokio::sync::mpsc;
use tokio::task::{JoinError, JoinSet};
use tokio::time::sleep;
use tokio_util::sync::CancellationToken;

/// A unit of work. It does its job and reports its result itself (for
/// example on a channel it captured). Jobs do not panic.
pub type Job = Pin<Box<dyn Future<Output = ()> + Send + 'static>>;

/// What [`serve`] did with the jobs it started.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Report {
    /// Jobs that ran to their end.
    pub finished: usize,
    /// Jobs cancelled because the grace period ran out before they ended.
    pub cancelled: usize,
}

impl Report {
    fn count(&mut self, joined: Result<(), JoinError>) {
        match joined {
            Ok(()) => self.finished += 1,
            Err(error) if error.is_cancelled() => self.cancelled += 1,
            Err(error) => std::panic::resume_unwind(error.into_panic()),
        }
    }
}

/// Runs the jobs that arrive on `jobs`, until it is asked to stop; then
/// shuts down gracefully and reports what became of the jobs it started.
///
/// - **Serving.** Each job received is started at once as a task of its
///   own, so jobs run at the same time, however long each takes.
/// - **Asked to stop.** Cancelling `shutdown` asks `serve` to stop. So
///   does the end of the channel (every sender dropped): no job can come.
/// - **No new work.** From the moment it is asked to stop, `serve` starts
///   no job: jobs still in the channel, or sent later, are dropped
///   without being run, by the time `serve` returns.
/// - **Drain the work in flight.** Jobs already started go on and finish.
///   `serve` returns as soon as the last of them has ended, at once if
///   none is running.
/// - **But not for ever.** If jobs are still running `grace` after
///   `serve` was asked to stop, they are cancelled, and `serve` returns
///   then. By the time it returns, every job it started has ended or has
///   been dropped.
///
/// Call it inside a tokio runtime.
pub async fn serve(
    mut jobs: mpsc::Receiver<Job>,
    shutdown: CancellationToken,
    grace: Duration,
) -> Report {
    let mut running = JoinSet::new();
    let mut report = Report::default();
    loop {
        tokio::select! {
            biased;
            () = shutdown.cancelled() => break,
            job = jobs.recv() => match job {
                Some(job) => {
                    running.spawn(job);
                }
                None => break,
            },
            // Reaps finished jobs as they end; disabled while the set is empty.
            Some(joined) = running.join_next() => report.count(joined),
        }
    }
    // No job will start: the ones still queued are dropped with the receiver.
    drop(jobs);

    let deadline = sleep(grace);
    tokio::pin!(deadline);
    loop {
        tokio::select! {
            biased;
            joined = running.join_next() => match joined {
                Some(joined) => report.count(joined),
                None => break,
            },
            () = &mut deadline => {
                running.abort_all();
                while let Some(joined) = running.join_next().await {
                    report.count(joined);
                }
                break;
            }
        }
    }
    report
}
