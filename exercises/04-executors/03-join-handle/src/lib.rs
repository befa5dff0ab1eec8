//! Spawning with a handle: a future of the task's output.

mod executor;

use std::future::Future;
use std::marker::PhantomData;
use std::pin::Pin;
use std::task::{Context, Poll};

pub use executor::Executor;

/// Why a task produced no output.
#[derive(Debug, PartialEq, Eq)]
pub enum JoinError {
    /// The task panicked.
    Panicked,
    /// The task was aborted before it finished.
    Cancelled,
}

// ANCHOR: contract
/// Spawns `future` on `executor` as a task of its own, and returns a handle
/// to its output.
///
/// The contract, which the tests check:
///
/// - The task runs whether or not anybody polls or keeps the handle.
///   Dropping the handle detaches the task: it still runs to the end.
/// - The handle is a future. It is `Ready(Ok(output))` once the task has
///   finished. Polled before that, it is `Pending`, and the waker of its
///   latest poll is woken when the task ends (finishes, panics or is
///   aborted).
/// - If the task panics, the panic stops there: `run_until_idle` goes on
///   with the other tasks, and the handle gives `Err(JoinError::Panicked)`.
/// - `abort` cancels the task: its future is dropped, without another
///   poll, by the end of the next `run_until_idle`, even if nothing else
///   would wake it; the handle gives `Err(JoinError::Cancelled)`. Aborting a
///   task that has already finished changes nothing: the handle still gives
///   its output.
pub fn spawn<F>(executor: &Executor, future: F) -> JoinHandle<F::Output>
where
    F: Future + 'static,
    F::Output: 'static,
{
    // TODO
    let _ = executor;
    drop(future);
    todo!("spawn is not written yet: see the contract in its doc comment")
}

/// The handle to a spawned task: a future of its output.
pub struct JoinHandle<T> {
    // TODO: what the handle shares with its task.
    _output: PhantomData<T>,
}

impl<T> JoinHandle<T> {
    /// Cancels the task (see [`spawn`]).
    pub fn abort(&self) {
        // TODO
    }
}

impl<T> Future for JoinHandle<T> {
    type Output = Result<T, JoinError>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        // TODO
        let _ = cx;
        Poll::Pending
    }
}
// ANCHOR_END: contract
