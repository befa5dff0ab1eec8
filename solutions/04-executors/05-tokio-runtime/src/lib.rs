//! Four jobs, each with the tokio runtime and the tools that fit it.
//!
//! Why this works: `run_in_parallel` builds a multi-thread runtime with two
//! workers and spawns each future as a task: two tasks on two workers run
//! at the same time, so each may block its thread waiting for the other
//! (joined inside one task, or on a current-thread runtime, they would
//! take turns on one thread and the first to block would stall both).
//! `run_on_this_thread` builds a current-thread runtime: `block_on` drives
//! the future and every spawned task on the calling thread, and only that
//! flavor can start with its clock paused. `in_completion_order` spawns
//! every job into a `JoinSet`, so they run at the same time as tasks of
//! their own, and `join_next` hands back each output as its task finishes,
//! not in spawn order. `off_the_runtime` hands `work` to `spawn_blocking`,
//! which runs it on tokio's blocking thread pool, not on a runtime thread,
//! and awaits its `JoinHandle`: while `work` runs, the runtime's threads
//! (the single one of a current-thread runtime included) keep polling
//! other tasks. A panic inside any task is passed on to the caller with
//! `resume_unwind`.

use std::future::Future;
use std::panic::resume_unwind;
use std::pin::Pin;

use tokio::runtime::Builder;
use tokio::task::{JoinError, JoinSet};

/// A job for [`in_completion_order`].
pub type Job<T> = Pin<Box<dyn Future<Output = T> + Send + 'static>>;

/// The output of a task, or its panic passed on.
fn joined<T>(result: Result<T, JoinError>) -> T {
    result.unwrap_or_else(|error| resume_unwind(error.into_panic()))
}

/// Runs `a` and `b` at the same time, on two different threads, and
/// returns both outputs. Each may block its thread while it waits for the
/// other. Called from ordinary (not async) code.
pub fn run_in_parallel<A, B>(a: A, b: B) -> (A::Output, B::Output)
where
    A: Future + Send + 'static,
    A::Output: Send + 'static,
    B: Future + Send + 'static,
    B::Output: Send + 'static,
{
    let runtime = Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("build a multi-thread runtime");
    runtime.block_on(async {
        let a = tokio::spawn(a);
        let b = tokio::spawn(b);
        (joined(a.await), joined(b.await))
    })
}

/// Runs `future` to completion and returns its output. The future, and
/// every task it spawns with `tokio::spawn`, runs on the calling thread,
/// and tokio's clock is paused: a timer fires as soon as every task waits
/// (an hour-long sleep takes no time). Called from ordinary code.
pub fn run_on_this_thread<F: Future>(future: F) -> F::Output {
    let runtime = Builder::new_current_thread()
        .enable_all()
        .start_paused(true)
        .build()
        .expect("build a current-thread runtime");
    runtime.block_on(future)
}

/// Runs every job as a tokio task of its own, all at the same time, and
/// returns their outputs in the order the jobs finished. If a job panics,
/// the panic is passed on to the caller, not dropped. Called from a task
/// on any tokio runtime.
pub async fn in_completion_order<T: Send + 'static>(jobs: Vec<Job<T>>) -> Vec<T> {
    let mut set = JoinSet::new();
    for job in jobs {
        set.spawn(job);
    }
    let mut outputs = Vec::with_capacity(set.len());
    while let Some(result) = set.join_next().await {
        outputs.push(joined(result));
    }
    outputs
}

/// Runs the CPU-heavy `work` and returns its result, without holding up
/// the other tasks of the runtime it is called on, whichever flavor that
/// runtime is: while `work` runs, they keep running.
pub async fn off_the_runtime<T, W>(work: W) -> T
where
    T: Send + 'static,
    W: FnOnce() -> T + Send + 'static,
{
    joined(tokio::task::spawn_blocking(work).await)
}
