//! Four jobs, each with the tokio runtime and the tools that fit it.
//!
//! The challenge: write each function from its contract. The tests say
//! what went wrong; the page on tokio's runtimes has what you need.

use std::future::Future;
use std::pin::Pin;

/// A job for [`in_completion_order`].
pub type Job<T> = Pin<Box<dyn Future<Output = T> + Send + 'static>>;

// ANCHOR: contract
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
    // TODO
    drop((a, b));
    todo!("run_in_parallel is not written yet")
}

/// Runs `future` to completion and returns its output. The future, and
/// every task it spawns with `tokio::spawn`, runs on the calling thread,
/// and tokio's clock is paused: a timer fires as soon as every task waits
/// (an hour-long sleep takes no time). Called from ordinary code.
pub fn run_on_this_thread<F: Future>(future: F) -> F::Output {
    // TODO
    drop(future);
    todo!("run_on_this_thread is not written yet")
}

/// Runs every job as a tokio task of its own, all at the same time, and
/// returns their outputs in the order the jobs finished. If a job panics,
/// the panic is passed on to the caller, not dropped. Called from a task
/// on any tokio runtime.
pub async fn in_completion_order<T: Send + 'static>(jobs: Vec<Job<T>>) -> Vec<T> {
    // TODO
    drop(jobs);
    todo!("in_completion_order is not written yet")
}

/// Runs the CPU-heavy `work` and returns its result, without holding up
/// the other tasks of the runtime it is called on, whichever flavor that
/// runtime is: while `work` runs, they keep running.
pub async fn off_the_runtime<T, W>(work: W) -> T
where
    T: Send + 'static,
    W: FnOnce() -> T + Send + 'static,
{
    // TODO
    drop(work);
    todo!("off_the_runtime is not written yet")
}
// ANCHOR_END: contract
