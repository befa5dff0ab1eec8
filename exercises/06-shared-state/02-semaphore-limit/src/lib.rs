//! A limit on how many jobs run at once.

use std::future::Future;

use tokio::task::JoinHandle;

// ANCHOR: contract
/// Runs jobs as tokio tasks, at most `limit` of them at a time. Clones
/// share the same limit.
///
/// A job *holds a place* from its first poll until it finishes, panics, or
/// its task is aborted; however it ends, its place is free again at once.
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
    /// The job starts once it has a place: jobs get places in the order
    /// they were spawned, and every place is used while jobs wait for one.
    pub fn spawn<F>(&self, job: F) -> JoinHandle<F::Output>
    where
        F: Future + Send + 'static,
        F::Output: Send + 'static,
    {
        // TODO
        drop(job);
        todo!("Limiter::spawn is not written yet")
    }

    /// Waits until a place is free, then spawns a task for `job` that
    /// holds that place, and returns its handle. So a caller that spawns
    /// in a loop never has more than `limit` of these tasks alive: the
    /// caller waits instead.
    pub async fn spawn_when_free<F>(&self, job: F) -> JoinHandle<F::Output>
    where
        F: Future + Send + 'static,
        F::Output: Send + 'static,
    {
        // TODO
        drop(job);
        todo!("Limiter::spawn_when_free is not written yet")
    }
}
// ANCHOR_END: contract
