//! A limiter for background jobs: at most `limit` of them run at once, and
//! whoever starts one more waits for a free slot.

use std::future::Future;

use tokio::task::JoinHandle;

// ANCHOR: contract
/// Runs background jobs, each in a tokio task of its own, at most `limit`
/// at a time. `Limiter` is `Send + Sync`: share it with an `Arc`. It leaks
/// nothing: what it allocates is freed once it is dropped and its last
/// job has ended.
pub struct Limiter {
    // TODO: the fields you need.
    _todo: (),
}

impl Limiter {
    /// A limiter that lets at most `limit` jobs run at once (`limit >= 1`).
    pub fn new(limit: usize) -> Limiter {
        todo!("Limiter::new({limit}) is not written yet")
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
        let _ = (&self._todo, job);
        todo!("Limiter::spawn is not written yet")
    }

    /// How many jobs are running now: started, and their task not ended.
    pub fn running(&self) -> usize {
        todo!("Limiter::running is not written yet")
    }
}
// ANCHOR_END: contract
