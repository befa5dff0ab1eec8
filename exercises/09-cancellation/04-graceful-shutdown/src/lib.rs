//! A server of jobs that shuts down gracefully.

use std::future::Future;
use std::pin::Pin;
use std::time::Duration;

use tokio::sync::mpsc;
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

// ANCHOR: contract
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
    jobs: mpsc::Receiver<Job>,
    shutdown: CancellationToken,
    grace: Duration,
) -> Report {
    // TODO
    let _ = (jobs, shutdown);
    todo!("serve (with a grace period of {grace:?}) is not written yet")
}
// ANCHOR_END: contract
