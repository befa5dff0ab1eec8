//! A single-threaded executor: spawn tasks, then run them until none is
//! ready.

use std::future::Future;

// ANCHOR: contract
/// A single-threaded executor.
///
/// The contract, which the tests check:
///
/// - `spawn` hands a task to the executor and returns at once: the task is
///   not polled until `run_until_idle` gets to it.
/// - Tasks are polled in the order they became ready (first in, first out):
///   spawned tasks in the order they were spawned, a woken task after those
///   already waiting.
/// - A task is polled again only after its waker was woken, from any
///   thread; woken several times before its next poll, it is polled once.
/// - `run_until_idle` returns when no task is ready. Tasks spawned or woken
///   while it runs (by a task being polled, too) run before it returns.
///   Tasks still waiting stay alive; a later wake-up makes them ready for
///   the next `run_until_idle`.
/// - A finished task is dropped at once and never polled again, even if its
///   waker is woken later.
///
/// Clones are handles to the same executor: tasks can hold one to spawn
/// more tasks.
#[derive(Clone, Default)]
pub struct LocalExecutor {
    // TODO: the state the contract needs. Clones must share it.
}

impl LocalExecutor {
    pub fn new() -> Self {
        Self::default()
    }

    /// Hands `task` to the executor; it runs in a later `run_until_idle`.
    pub fn spawn(&self, task: impl Future<Output = ()> + 'static) {
        // TODO
        drop(task);
        todo!("spawn is not written yet: see the contract of LocalExecutor")
    }

    /// Polls ready tasks, one at a time and in order, until none is ready.
    pub fn run_until_idle(&self) {
        // TODO
        todo!("run_until_idle is not written yet: see the contract of LocalExecutor")
    }
}
// ANCHOR_END: contract
