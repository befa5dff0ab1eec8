//! A supervisor: it runs jobs as tasks and reports how each one ended.

use std::future::Future;
use std::pin::Pin;
use std::time::Duration;

// ANCHOR: contract
/// A job: some async work that succeeds, or fails with a message.
pub type Job = Pin<Box<dyn Future<Output = Result<(), String>> + Send>>;

/// How one job ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    /// The job returned `Ok(())`.
    Succeeded,
    /// The job returned `Err(message)`.
    Failed(String),
    /// The job panicked. It holds the panic's own message (what was given
    /// to `panic!`), or `None` when the panic carried something else than
    /// text.
    Panicked(Option<String>),
    /// The job had not finished at the deadline, and was stopped.
    Cancelled,
}

/// Runs every job in a task of its own, all at the same time, and returns
/// how each one ended, in the order of `jobs`.
///
/// - A job that panics is reported as `Panicked`, never as a success; its
///   panic stops neither the other jobs nor `supervise`, which never
///   panics.
/// - `deadline` counts from the call, for the whole run: a job still
///   running then is stopped and reported as `Cancelled`, and `supervise`
///   returns at the deadline at the latest.
/// - When `supervise` returns, no job is left running: every job's task
///   has ended.
pub async fn supervise(jobs: Vec<Job>, deadline: Duration) -> Vec<Outcome> {
    // TODO
    let _ = (jobs, deadline);
    todo!("supervise is not written yet")
}
// ANCHOR_END: contract
