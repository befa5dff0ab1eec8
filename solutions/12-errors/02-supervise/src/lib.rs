//! A supervisor: it runs jobs as tasks and reports how each one ended.
//!
//! Why this works: each job is spawned, so it runs as a task of its own,
//! concurrently with the others, and a panic in it is caught by tokio and
//! ends only that task; awaiting its `JoinHandle` gives the job's own
//! `Result`, or a `JoinError`. The handles are awaited with `timeout_at`
//! and one `Instant` for the whole run, so however many jobs there are,
//! the last wait ends at the deadline. A job still running then is aborted,
//! and its handle awaited again: that waits until the task's future has
//! been dropped (so nothing is left running), and says how it really ended,
//! which is `Cancelled` unless it finished just before the abort. A
//! `JoinError` is either a panic or a cancellation; `try_into_panic` takes
//! the panic's payload out, and the message is in it as a `&str`
//! (`panic!("text")`) or a `String` (`panic!("{}", ..)`).

use std::any::Any;
use std::future::Future;
use std::pin::Pin;
use std::time::Duration;

use tokio::task::JoinError;
use tokio::time::{Instant, timeout_at};

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
    let end = Instant::now() + deadline;
    let tasks: Vec<_> = jobs.into_iter().map(tokio::spawn).collect();
    let mut outcomes = Vec::with_capacity(tasks.len());
    for mut task in tasks {
        let ended = match timeout_at(end, &mut task).await {
            Ok(ended) => ended,
            Err(_elapsed) => {
                task.abort();
                // Waits until the task's future is dropped.
                task.await
            }
        };
        outcomes.push(outcome(ended));
    }
    outcomes
}

fn outcome(ended: Result<Result<(), String>, JoinError>) -> Outcome {
    match ended {
        Ok(Ok(())) => Outcome::Succeeded,
        Ok(Err(message)) => Outcome::Failed(message),
        Err(error) => match error.try_into_panic() {
            Ok(payload) => Outcome::Panicked(message_of(payload)),
            // The only other reason a task ends without output.
            Err(_cancelled) => Outcome::Cancelled,
        },
    }
}

fn message_of(payload: Box<dyn Any + Send>) -> Option<String> {
    match payload.downcast::<String>() {
        Ok(message) => Some(*message),
        Err(payload) => payload.downcast_ref::<&str>().map(|text| text.to_string()),
    }
}
