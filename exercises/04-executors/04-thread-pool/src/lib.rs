//! A pool of worker threads that run futures.
//!
//! This file is the pool's public face, and it is complete. The pool
//! itself is in `pool.rs`: that is the file to edit.

mod pool;

use std::future::Future;

/// A fixed number of worker threads that poll spawned tasks.
pub struct ThreadPool {
    pool: pool::Pool,
}

impl ThreadPool {
    /// Starts a pool of `workers` threads.
    ///
    /// # Panics
    ///
    /// If `workers` is zero.
    pub fn new(workers: usize) -> Self {
        assert!(workers > 0, "a thread pool needs at least one worker");
        ThreadPool {
            pool: pool::Pool::new(workers),
        }
    }

    // ANCHOR: spawn
    /// Runs `task` on the pool's workers, and returns at once.
    ///
    /// `Send`: the task is created on this thread and polled on a worker,
    /// maybe on a different worker each time it is woken, so it moves
    /// between threads, with everything it holds across an `.await`.
    /// `'static`: the task may run after this function and its caller have
    /// returned, so it cannot borrow from them.
    pub fn spawn<F>(&self, task: F)
    where
        F: Future<Output = ()> + Send + 'static,
    {
        self.pool.spawn(Box::pin(task));
    }
    // ANCHOR_END: spawn
}
