//! A worker task that runs jobs for its callers and sends each answer back
//! over a channel, where a caller must tell "the job failed" apart from
//! "the worker is gone".
//!
//! Why this works: each job travels on an mpsc channel with a oneshot
//! sender made for it, and the worker sends the handler's whole `Result`
//! back on it, so a handler's `Err` reaches exactly its caller, as an
//! answer, and the loop goes on. The worker ignores a failed reply (its
//! caller left), so a caller giving up disturbs nobody. "Gone" needs no
//! message: when the handler panics, the task unwinds and drops its
//! receiver and every oneshot sender it held, the one of the job in hand
//! and those of the jobs still queued. So a waiting caller's `recv` fails
//! instead of hanging, and a later `send` fails at once; both become
//! `Vanished`, and nothing here unwraps. `shutdown` drops the handle's
//! only `Sender`, so the worker's `recv` returns `None` after the queued
//! jobs and its task ends; awaiting the `JoinHandle` then gives `Ok(())`,
//! or the `JoinError` of a panic, passed on as it is.

use std::future::Future;
use std::pin::Pin;

use tokio::sync::{mpsc, oneshot};
use tokio::task::{JoinError, JoinHandle};

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

/// One job, and the way back to the one caller who sent it.
struct Request {
    job: u64,
    reply: oneshot::Sender<Result<u64, String>>,
}

/// A handle to a worker task.
pub struct Worker {
    requests: mpsc::Sender<Request>,
    task: JoinHandle<()>,
}

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
    pub fn spawn(capacity: usize, mut handler: Handler) -> Worker {
        let (requests, mut queue) = mpsc::channel::<Request>(capacity);
        let task = tokio::spawn(async move {
            while let Some(Request { job, reply }) = queue.recv().await {
                let answer = handler(job).await;
                // The caller may have left; that is no reason to stop.
                let _ = reply.send(answer);
            }
        });
        Worker { requests, task }
    }

    /// Sends `job` to the worker and waits for its answer: `Ok(number)`,
    /// `Err(Failed(message))` if the handler failed, `Err(Vanished)` if
    /// the worker is gone or goes away before answering. Once the worker
    /// is gone, every call returns `Vanished` at once. It never panics and
    /// never waits for an answer that cannot come.
    pub async fn call(&self, job: u64) -> Result<u64, CallError> {
        let (reply, answer) = oneshot::channel();
        self.requests
            .send(Request { job, reply })
            .await
            .map_err(|_closed| CallError::Vanished)?;
        match answer.await {
            Ok(result) => result.map_err(CallError::Failed),
            // The sender was dropped unanswered: the worker died.
            Err(_gone) => Err(CallError::Vanished),
        }
    }

    /// Stops the worker and returns how its task ended: `Ok(())`, or the
    /// `JoinError` of its crash, never `Ok` after a crash. The worker is
    /// not cut short: it runs the jobs already queued (those of callers
    /// who gave up waiting, too), then its task ends.
    pub async fn shutdown(self) -> Result<(), JoinError> {
        let Worker { requests, task } = self;
        drop(requests);
        task.await
    }
}
