//! A limit on how many jobs run at once.
//!
//! Why this works: a `Semaphore` with `limit` permits is the limit, and a
//! permit is a place. Each job holds an `OwnedSemaphorePermit` in a local
//! of its task, so the place is given back when the task's future is
//! dropped: after the job finishes, but also when it panics (the task's
//! future is dropped while unwinding) or when the task is aborted. Nothing
//! has to remember to give it back. `spawn` acquires inside the task, so
//! it returns at once, and the semaphore's queue is first in, first out,
//! so jobs start in the order spawned. `spawn_when_free` acquires before
//! spawning and moves the permit into the task: only an owned permit,
//! from `acquire_owned` on an `Arc<Semaphore>`, can move into a `'static`
//! task, since a `SemaphorePermit<'_>` borrows the semaphore from `&self`.
//! Clones share the `Arc`, so they share the permits.

use std::future::Future;
use std::sync::Arc;

use tokio::sync::Semaphore;
use tokio::task::JoinHandle;

/// Runs jobs as tokio tasks, at most `limit` of them at a time. Clones
/// share the same limit.
///
/// A job *holds a place* from its first poll until it finishes, panics, or
/// its task is aborted; however it ends, its place is free again at once.
#[derive(Clone)]
pub struct Limiter {
    places: Arc<Semaphore>,
}

impl Limiter {
    /// A limiter with `limit` places (`limit >= 1`).
    pub fn new(limit: usize) -> Limiter {
        Limiter {
            places: Arc::new(Semaphore::new(limit)),
        }
    }

    /// Spawns a task for `job` now and returns its handle without waiting.
    /// The job starts once it has a place: jobs get places in the order
    /// they were spawned, and every place is used while jobs wait for one.
    pub fn spawn<F>(&self, job: F) -> JoinHandle<F::Output>
    where
        F: Future + Send + 'static,
        F::Output: Send + 'static,
    {
        let places = self.places.clone();
        tokio::spawn(async move {
            // Named, so it lives until the task's future is dropped.
            let _place = places.acquire_owned().await.expect("never closed");
            job.await
        })
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
        let places = self.places.clone();
        let place = places.acquire_owned().await.expect("never closed");
        tokio::spawn(async move {
            let _place = place; // moved in: freed when the task ends
            job.await
        })
    }
}
