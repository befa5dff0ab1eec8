//! The pool: worker threads, the queue of ready tasks, the tasks' wakers.

use std::future::Future;
use std::pin::Pin;

/// A spawned task: `Send`, so that it can move between threads.
pub(crate) type Task = Pin<Box<dyn Future<Output = ()> + Send + 'static>>;

// ANCHOR: contract
/// The contract, which the tests check:
///
/// - `new(n)` starts `n` worker threads. While no task is ready they sleep:
///   no busy waiting.
/// - `spawn` makes the task ready and returns at once; a worker, never the
///   caller's thread, polls it.
/// - A ready task is polled by the next free worker. The pool runs up to `n`
///   tasks at the same time: `n` tasks that wait for each other (each
///   blocking its worker) all get through.
/// - A task is polled again only after its waker was woken, from any
///   thread, at any time: a wake-up that arrives while the task is being
///   polled leads to another poll after this one. A task is never polled
///   by two workers at once, and never after it returned `Ready`.
/// - Dropping the pool stops the workers: each finishes the poll it is in
///   (if any) and exits, and the drop returns once every worker has exited.
///   Tasks that have not finished are never polled again, even if woken.
pub(crate) struct Pool {
    // TODO: the state the contract needs.
}

impl Pool {
    pub(crate) fn new(workers: usize) -> Pool {
        // TODO
        let _ = workers;
        todo!("the pool is not written yet: see the contract of `Pool` in src/pool.rs")
    }

    pub(crate) fn spawn(&self, task: Task) {
        // TODO
        drop(task);
    }
}

impl Drop for Pool {
    fn drop(&mut self) {
        // TODO
    }
}
// ANCHOR_END: contract
