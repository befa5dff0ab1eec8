use std::future::Future;
use std::panic;
use std::sync::mpsc;
use std::thread;
use std::time::Duration;

/// Runs `body` on its own thread and fails the test if it takes longer than
/// `limit`.
///
/// A learner's `poll` that loops forever cannot be interrupted from outside,
/// so the test thread waits for it with a deadline instead and reports the
/// likely cause. A panic inside `body` is passed on unchanged, so the
/// learner sees the original assertion message.
#[track_caller]
pub fn within<T: Send + 'static>(limit: Duration, body: impl FnOnce() -> T + Send + 'static) -> T {
    let (done, result) = mpsc::channel();
    let worker = thread::Builder::new()
        .name("test body".into())
        .spawn(move || {
            let outcome = panic::catch_unwind(panic::AssertUnwindSafe(body));
            let _ = done.send(outcome);
        })
        .expect("spawn the test body thread");
    match result.recv_timeout(limit) {
        Ok(Ok(value)) => {
            let _ = worker.join();
            value
        }
        Ok(Err(payload)) => panic::resume_unwind(payload),
        Err(_) => panic!(
            "the test did not finish within {limit:?}.\n\
             Likely causes: a `poll` that loops instead of returning `Poll::Pending`, \
             a loop that polls a future until it is ready, or a deadlock."
        ),
    }
}

/// Runs the future that `make` returns on a single-threaded tokio runtime
/// with paused time, under [`within`].
///
/// Paused time makes timers exact and instant, and makes a
/// `tokio::time::timeout` fire as soon as every task waits, so a future that
/// is never woken fails at once. Paused time cannot advance while a task
/// keeps waking itself, though; `within` catches that case.
#[track_caller]
pub fn on_paused_tokio<M, F>(limit: Duration, make: M) -> F::Output
where
    M: FnOnce() -> F + Send + 'static,
    F: Future,
    F::Output: Send + 'static,
{
    within(limit, move || {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .start_paused(true)
            .build()
            .expect("build a tokio runtime");
        runtime.block_on(async move { make().await })
    })
}
