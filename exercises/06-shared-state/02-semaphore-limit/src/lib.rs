//! A limit on how many jobs run at once.

use std::future::Future;

use tokio::task::JoinHandle;

// ANCHOR: contract
/// Runs jobs as tokio tasks, at most `limit` of them at a time. Clones
/// share the same limit.
///
/// A job *holds a place* from the moment it gets one until it finishes,
/// panics, or its task is aborted; however it ends, its place is free again
/// at once. A job from `spawn` asks for its place when its task first runs;
/// one from `try_spawn` takes its place during the call.
#[derive(Clone)]
pub struct Limiter {
    // TODO: your fields.
}

impl Limiter {
    /// A limiter with `limit` places (`limit >= 1`).
    pub fn new(limit: usize) -> Limiter {
        // TODO
        let _ = limit;
        todo!("Limiter::new is not written yet")
    }

    /// Spawns a task for `job` now and returns its handle without waiting.
    /// The job starts once its task has a place. Tasks waiting for a place
    /// get one first come, first served, in the order they started to wait
    /// (on a current-thread runtime, the order of the `spawn` calls), and
    /// every place is used while tasks wait for one.
    pub fn spawn<F>(&self, job: F) -> JoinHandle<F::Output>
    where
        F: Future + Send + 'static,
        F::Output: Send + 'static,
    {
        // TODO
        drop(job);
        todo!("Limiter::spawn is not written yet")
    }

    /// Spawns a task for `job` only if a place is free right now, and
    /// that task holds the place until the job ends. If every place is
    /// taken (or promised to jobs already waiting), spawns nothing and
    /// hands `job` back as `Err(job)`, at once: the caller may drop it,
    /// retry later, or answer "busy". The place is taken during the call,
    /// so it may go to this job ahead of a job whose `spawn` came earlier
    /// but whose task has not run yet.
    pub fn try_spawn<F>(&self, job: F) -> Result<JoinHandle<F::Output>, F>
    where
        F: Future + Send + 'static,
        F::Output: Send + 'static,
    {
        // TODO
        let _ = &job;
        todo!("Limiter::try_spawn is not written yet")
    }
}
// ANCHOR_END: contract
