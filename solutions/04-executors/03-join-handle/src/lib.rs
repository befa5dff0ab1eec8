//! Spawning with a handle: a future of the task's output.
//!
//! Why this works: the task and its handle share one cell, the `Shared`
//! below. The task is a wrapper future around the spawned one, handed to
//! the executor whether or not the handle is kept, so dropping the handle
//! only drops one reference to the cell: the task runs on (detached). The
//! wrapper polls the inner future inside `catch_unwind`, so a panic ends
//! the task, not the executor. However the task ends (output, panic, abort)
//! the wrapper stores the result and wakes the waker that the handle stored
//! on its latest poll, so the task awaiting the handle is polled again; a
//! handle polled after the end finds the result at once. `abort` sets a
//! flag and wakes the task's own waker (stored on each poll of the
//! wrapper), so the executor polls the wrapper even if nothing else would;
//! the wrapper sees the flag before it polls the inner future, ends with
//! `Cancelled` and returns `Ready`, and the executor drops it, inner future
//! and all. `abort` after the end finds `done` set and changes nothing. No
//! `RefCell` borrow is held while the inner future is polled, so a task may
//! abort or poll handles, its own included.

mod executor;

use std::cell::RefCell;
use std::future::{Future, poll_fn};
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::pin::Pin;
use std::rc::Rc;
use std::task::{Context, Poll, Waker};

pub use executor::Executor;

/// Why a task produced no output.
#[derive(Debug, PartialEq, Eq)]
pub enum JoinError {
    /// The task panicked.
    Panicked,
    /// The task was aborted before it finished.
    Cancelled,
}

/// What a task and its handle share.
struct Shared<T> {
    /// The task's result, until the handle takes it.
    result: Option<Result<T, JoinError>>,
    /// The task has ended: finished, panicked or cancelled.
    done: bool,
    /// `abort` was called before the end.
    aborted: bool,
    /// The waker of the handle's latest poll.
    handle_waker: Option<Waker>,
    /// The waker of the task's latest poll, for `abort`.
    task_waker: Option<Waker>,
}

/// Ends the task with `result` and wakes whoever awaits the handle.
fn end<T>(shared: &RefCell<Shared<T>>, result: Result<T, JoinError>) {
    let waker = {
        let mut shared = shared.borrow_mut();
        shared.result = Some(result);
        shared.done = true;
        shared.handle_waker.take()
    };
    if let Some(waker) = waker {
        waker.wake();
    }
}

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
    let shared = Rc::new(RefCell::new(Shared {
        result: None,
        done: false,
        aborted: false,
        handle_waker: None,
        task_waker: None,
    }));
    let task = shared.clone();
    let mut future = Box::pin(future);
    executor.spawn_detached(poll_fn(move |cx| {
        if task.borrow().aborted {
            end(&task, Err(JoinError::Cancelled));
            return Poll::Ready(()); // the executor drops us, `future` included
        }
        task.borrow_mut().task_waker = Some(cx.waker().clone());
        match catch_unwind(AssertUnwindSafe(|| future.as_mut().poll(cx))) {
            Ok(Poll::Pending) => Poll::Pending,
            Ok(Poll::Ready(output)) => {
                end(&task, Ok(output));
                Poll::Ready(())
            }
            Err(_panic) => {
                end(&task, Err(JoinError::Panicked));
                Poll::Ready(())
            }
        }
    }));
    JoinHandle { shared }
}

/// The handle to a spawned task: a future of its output.
pub struct JoinHandle<T> {
    shared: Rc<RefCell<Shared<T>>>,
}

impl<T> JoinHandle<T> {
    /// Cancels the task (see [`spawn`]).
    pub fn abort(&self) {
        let waker = {
            let mut shared = self.shared.borrow_mut();
            if shared.done {
                return;
            }
            shared.aborted = true;
            shared.task_waker.take()
        };
        // A task never polled yet is already queued: it has no waker.
        if let Some(waker) = waker {
            waker.wake();
        }
    }
}

impl<T> Future for JoinHandle<T> {
    type Output = Result<T, JoinError>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let mut shared = self.shared.borrow_mut();
        match shared.result.take() {
            Some(result) => Poll::Ready(result),
            None => {
                shared.handle_waker = Some(cx.waker().clone());
                Poll::Pending
            }
        }
    }
}
