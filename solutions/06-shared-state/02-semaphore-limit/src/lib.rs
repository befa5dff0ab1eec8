//! A limit on how many jobs run at once.
//!
//! Why this works: a `Semaphore` with `limit` permits is the limit, and a
//! permit is a place. Each job holds an `OwnedSemaphorePermit` in a local
//! of its task, so the place is given back when the task's future is
//! dropped: after the job finishes, but also when it panics (the task's
//! future is dropped while unwinding) or when the task is aborted. Nothing
//! has to remember to give it back. `spawn` acquires inside the task, so
//! it returns at once, and the semaphore's queue is first in, first out,
//! so jobs start in the order their tasks first ask (on a current-thread
//! runtime, the order spawned). `try_spawn` takes a permit before
//! spawning, without waiting (`try_acquire_owned` fails when none is free,
//! also when queued jobs are owed the next ones), and moves it into the
//! task: only an owned permit, from an `Arc<Semaphore>`, can move into a
//! `'static` task, since a `SemaphorePermit<'_>` borrows the semaphore
//! from `&self`.
//! Clones share the `Arc`, so they share the permits.

use std::future::Future;
use std::sync::Arc;

use tokio::sync::Semaphore;
use tokio::task::JoinHandle;

/// Runs jobs as tokio tasks, at most `limit` of them at a time. Clones
/// share the same limit.
///
/// A job *holds a place* from the moment it gets one until it finishes,
/// panics, or its task is aborted; however it ends, its place is free again
/// at once. A job from `spawn` asks for its place when its task first runs;
/// one from `try_spawn` takes its place during the call.
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
    /// The job starts once its task has a place. Tasks waiting for a place
    /// get one first come, first served, in the order they started to wait
    /// (on a current-thread runtime, the order of the `spawn` calls), and
    /// every place is used while tasks wait for one.
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
        let Ok(place) = self.places.clone().try_acquire_owned() else {
            return Err(job); // no place now: shed the load
        };
        Ok(tokio::spawn(async move {
            let _place = place; // moved in: freed when the task ends
            job.await
        }))
    }
}
