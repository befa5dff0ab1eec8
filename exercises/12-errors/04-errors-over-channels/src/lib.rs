//! A worker task that runs jobs for its callers and sends each answer back
//! over a channel, where a caller must tell "the job failed" apart from
//! "the worker is gone".

use std::future::Future;
use std::pin::Pin;

use tokio::task::JoinError;

// ANCHOR: contract
/// The work a worker does for one job: it gives a number, or fails with a
/// message. It may also panic.
pub type Handler = Box<dyn FnMut(u64) -> Work + Send>;

/// The future a handler returns for one job.
pub type Work = Pin<Box<dyn Future<Output = Result<u64, String>> + Send>>;

/// Why a call got no number.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CallError {
    /// The worker ran the job, and the handler returned `Err(message)`.
    #[error("the job failed: {0}")]
    Failed(String),
    /// The worker is gone (it crashed, before or while it ran this job),
    /// so no answer will ever come.
    #[error("the worker is gone")]
    Vanished,
}

/// A handle to a worker task. Design its fields yourself.
pub struct Worker {}

impl Worker {
    /// Starts the worker: a tokio task that runs `handler` on each job it
    /// is sent, one job at a time, in the order they arrive. At most
    /// `capacity` jobs wait in its queue (`capacity >= 1`). Call it inside
    /// a runtime.
    ///
    /// - A handler's `Err` is an answer like any other: it goes to the
    ///   caller of that job, and the worker goes on with the next job.
    /// - A handler that panics brings the worker down. That panic is not
    ///   caught inside the worker task.
    /// - A caller that stops waiting for its answer does not disturb the
    ///   worker or the other callers.
    pub fn spawn(capacity: usize, handler: Handler) -> Worker {
        // TODO
        let _ = (capacity, handler);
        todo!("Worker::spawn is not written yet")
    }

    /// Sends `job` to the worker and waits for its answer: `Ok(number)`,
    /// `Err(Failed(message))` if the handler failed, `Err(Vanished)` if
    /// the worker is gone or goes away before answering. Once the worker
    /// is gone, every call returns `Vanished` at once. It never panics and
    /// never waits for an answer that cannot come.
    pub async fn call(&self, job: u64) -> Result<u64, CallError> {
        // TODO
        let _ = job;
        todo!("Worker::call is not written yet")
    }

    /// Stops the worker and returns how its task ended: `Ok(())`, or the
    /// `JoinError` of its crash, never `Ok` after a crash. The worker is
    /// not cut short: it runs the jobs already queued (those of callers
    /// who gave up waiting, too), then its task ends.
    pub async fn shutdown(self) -> Result<(), JoinError> {
        // TODO
        todo!("Worker::shutdown is not written yet")
    }
}
// ANCHOR_END: contract
