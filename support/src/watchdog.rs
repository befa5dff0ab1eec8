use std::any::Any;
use std::future::Future;
use std::panic;
use std::pin::Pin;
use std::sync::mpsc::{self, RecvTimeoutError};
use std::sync::{Mutex, PoisonError};
use std::thread;
use std::time::{Duration, Instant};

use crate::quiet;

/// Once one test of a run has hung, every other test gets at most this long.
///
/// A body that spins cannot be stopped: its thread keeps a core busy until
/// the process ends. Without a shared bound, a wrong answer that makes every
/// test spin costs the full limit per test, two tests at a time, and the
/// learner waits several times the limit for the run to end.
pub const AFTER_A_HANG: Duration = Duration::from_millis(500);

/// The first test of this run that did not finish within its limit, and
/// when that was noticed.
static HUNG: Mutex<Option<(String, Instant)>> = Mutex::new(None);

fn first_hang() -> Option<(String, Instant)> {
    HUNG.lock().unwrap_or_else(PoisonError::into_inner).clone()
}

/// Runs `body` on its own thread and fails the test if it takes longer than
/// `limit`.
///
/// A learner's `poll` that loops forever cannot be interrupted from outside,
/// so the test thread waits for it with a deadline instead and reports the
/// likely cause. A panic inside `body` is passed on unchanged, so the
/// learner sees the original assertion message; the body's thread carries
/// the test's name, as the test's own thread does.
///
/// The bound is shared by the whole run: once one test has hung, every
/// test still running or started later gets at most [`AFTER_A_HANG`], so a
/// spinning answer ends `cargo test` in about one `limit`, not one per test.
#[track_caller]
pub fn within<T: Send + 'static>(limit: Duration, body: impl FnOnce() -> T + Send + 'static) -> T {
    let value = within_erased(
        limit,
        Box::new(move || Box::new(body()) as Box<dyn Any + Send>),
    );
    *value
        .downcast::<T>()
        .unwrap_or_else(|_| unreachable!("the body returns a T"))
}

/// Every test calls [`within`] with a closure of its own type. Only this
/// thin layer is generic: the thread, the channel and the wait loop are
/// compiled once here instead of once per test, which keeps each edit of
/// an exercise quick to rebuild.
type ErasedBody = Box<dyn FnOnce() -> Box<dyn Any + Send> + Send>;

#[track_caller]
fn within_erased(limit: Duration, body: ErasedBody) -> Box<dyn Any + Send> {
    quiet::install();
    let started = Instant::now();
    let name = thread::current().name().unwrap_or("test body").to_owned();
    let (done, result) = mpsc::channel();
    let worker = thread::Builder::new()
        .name(name.clone())
        .spawn(move || {
            quiet::mark_this_thread();
            let outcome = panic::catch_unwind(panic::AssertUnwindSafe(body));
            let _ = done.send(outcome);
        })
        .expect("spawn the test body thread");
    loop {
        let own_deadline = started + limit;
        let hang = first_hang();
        let deadline = match &hang {
            Some((_, at)) => own_deadline.min((*at).max(started) + AFTER_A_HANG),
            None => own_deadline,
        };
        // Wakes now and then to notice a hang in another test.
        let wait = deadline
            .saturating_duration_since(Instant::now())
            .min(Duration::from_millis(50));
        match result.recv_timeout(wait) {
            Ok(Ok(value)) => {
                let _ = worker.join();
                return value;
            }
            Ok(Err(payload)) => panic::resume_unwind(payload),
            Err(RecvTimeoutError::Disconnected) => {
                unreachable!("the body's thread always reports")
            }
            Err(RecvTimeoutError::Timeout) if Instant::now() < deadline => continue,
            Err(RecvTimeoutError::Timeout) => {}
        }
        let elapsed = started.elapsed();
        let cut_short = match hang {
            Some((other, _)) if other != name => format!(
                "\n(The bound was cut to {AFTER_A_HANG:?} because the test `{other}` had already \
                 hung in this run: its thread still spins, and the run must end.)"
            ),
            _ => {
                let mut hung = HUNG.lock().unwrap_or_else(PoisonError::into_inner);
                hung.get_or_insert_with(|| (name.clone(), Instant::now()));
                String::new()
            }
        };
        quiet::mark_this_thread();
        panic!(
            "the test did not finish within {:.1?}.\n\
             Likely causes: a `poll` that loops instead of returning `Poll::Pending`, \
             a loop that polls a future until it is ready, a future that wakes itself \
             on every poll without making progress (the executor polls it again and \
             again, and paused tokio time never advances), a blocking call in async \
             code (`std::thread::sleep`, a `std::net` or `std::fs` read, a blocking \
             lock or `recv`) that holds the runtime's thread, so no other task runs, \
             or a deadlock.{cut_short}",
            elapsed.min(limit)
        );
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
    on_fresh_runtime(Clock::Paused, limit, make)
}

/// [`within`] `limit`, runs the future that `make` returns on a new
/// single-threaded runtime keeping time by `clock`.
#[track_caller]
pub(crate) fn on_fresh_runtime<M, F>(clock: Clock, limit: Duration, make: M) -> F::Output
where
    M: FnOnce() -> F + Send + 'static,
    F: Future,
    F::Output: Send + 'static,
{
    within(limit, move || {
        let output = block_on_fresh_runtime(
            clock,
            Box::pin(async move { Box::new(make().await) as Box<dyn Any + Send> }),
        );
        *output
            .downcast::<F::Output>()
            .unwrap_or_else(|_| unreachable!("the future returns F::Output"))
    })
}

/// How a test's runtime keeps time.
pub(crate) enum Clock {
    Paused,
    Real,
}

/// A future whose output type is erased, so that one instantiation of
/// tokio's `block_on` serves every test.
type ErasedFuture<'a> = Pin<Box<dyn Future<Output = Box<dyn Any + Send>> + 'a>>;

/// Runs `future` on a new single-threaded runtime, dropped when it ends.
fn block_on_fresh_runtime(clock: Clock, future: ErasedFuture<'_>) -> Box<dyn Any + Send> {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .start_paused(matches!(clock, Clock::Paused))
        .build()
        .expect("build a tokio runtime");
    runtime.block_on(future)
}
