//! A limiter for background jobs: at most `limit` of them run at once, and
//! whoever starts one more waits for a free slot.
//!
//! Why this works: the slots are the permits of a `tokio::sync::Semaphore`.
//! `spawn` waits for a permit *before* it spawns, so a caller is held back
//! while every slot is taken, and nothing is started for it meanwhile; the
//! semaphore queues waiters in order, and dropping a waiting `acquire`
//! leaves the queue with nothing taken. The permit must then live exactly
//! as long as the task, not as long as this call: a permit from `acquire`
//! borrows the semaphore, so it cannot move into a `'static` task. With the
//! semaphore in an `Arc`, `acquire_owned` returns an `OwnedSemaphorePermit`
//! that holds a clone of the `Arc` and borrows nothing. It moves into the
//! task's future and is dropped with it, however the task ends: a normal
//! return, a panic (tokio catches it, then drops the future), or an abort
//! (the runtime drops the future). `running` is the number of permits out.

use std::future::Future;
use std::sync::Arc;

use tokio::sync::Semaphore;
use tokio::task::JoinHandle;

/// Runs background jobs, each in a tokio task of its own, at most `limit`
/// at a time. `Limiter` is `Send + Sync`: share it with an `Arc`. It leaks
/// nothing: what it allocates is freed once it is dropped and its last
/// job has ended.
pub struct Limiter {
    slots: Arc<Semaphore>,
    limit: usize,
}

impl Limiter {
    /// A limiter that lets at most `limit` jobs run at once (`limit >= 1`).
    pub fn new(limit: usize) -> Limiter {
        Limiter {
            slots: Arc::new(Semaphore::new(limit)),
            limit,
        }
    }

    /// Starts `job` in a task of its own on the current tokio runtime, once
    /// a slot is free, and returns the task's handle.
    ///
    /// - While `limit` jobs are running, `spawn` waits: the caller is held
    ///   back, and nothing is queued or started for it meanwhile.
    /// - Callers waiting at the same time get slots in the order they
    ///   began to wait.
    /// - `spawn` returns as soon as the job is started, not when it ends.
    /// - A job's slot is free again as soon as its task ends: the job
    ///   returned, panicked, or was aborted through its handle.
    /// - A `spawn` future dropped while it waits starts nothing and keeps
    ///   no slot.
    /// - The `spawn` future is `Send`, so it can be awaited in a task on
    ///   a multi-thread runtime.
    pub async fn spawn<F>(&self, job: F) -> JoinHandle<F::Output>
    where
        F: Future + Send + 'static,
        F::Output: Send + 'static,
    {
        let permit = self
            .slots
            .clone()
            .acquire_owned()
            .await
            .expect("the limiter never closes its semaphore");
        tokio::spawn(async move {
            // The permit lives in the task's future: dropped when it ends,
            // panics or is aborted.
            let _slot = permit;
            job.await
        })
    }

    /// How many jobs are running now: started, and their task not ended.
    pub fn running(&self) -> usize {
        self.limit - self.slots.available_permits()
    }
}
