use std::future::Future;
use std::pin::{Pin, pin};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::task::{Context, Poll, Wake, Waker};

use crate::Trace;

/// How long [`Driver::run`] keeps polling before it gives up.
#[derive(Clone, Copy, Debug)]
pub struct Limits {
    /// Polls after which a future that is still `Pending` fails the test.
    pub max_polls: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Self { max_polls: 100 }
    }
}

/// A manual executor for tests: it polls one future by hand with a waker
/// that counts (and optionally traces) every wake-up.
///
/// Unlike a real runtime it never waits, so a future that returns `Pending`
/// without arranging a wake-up is reported at once instead of hanging.
pub struct Driver {
    name: String,
    waker: Arc<CountingWaker>,
    polls: usize,
}

struct CountingWaker {
    wakes: AtomicUsize,
    trace: Option<Trace>,
}

impl Wake for CountingWaker {
    fn wake(self: Arc<Self>) {
        self.wake_by_ref();
    }

    fn wake_by_ref(self: &Arc<Self>) {
        self.wakes.fetch_add(1, Ordering::SeqCst);
        if let Some(trace) = &self.trace {
            trace.push("  wake");
        }
    }
}

impl Driver {
    /// A driver for the future called `name` in failure messages.
    pub fn new(name: &str) -> Self {
        Self::with_trace(name, None)
    }

    /// Like [`Driver::new`], and records each poll, its result and each
    /// wake-up in `trace`.
    pub fn traced(name: &str, trace: &Trace) -> Self {
        Self::with_trace(name, Some(trace.clone()))
    }

    fn with_trace(name: &str, trace: Option<Trace>) -> Self {
        let waker = Arc::new(CountingWaker {
            wakes: AtomicUsize::new(0),
            trace,
        });
        Self {
            name: name.to_owned(),
            waker,
            polls: 0,
        }
    }

    /// How many times the future has been polled.
    pub fn polls(&self) -> usize {
        self.polls
    }

    /// How many times the driver's waker has been woken.
    pub fn wakes(&self) -> usize {
        self.waker.wakes.load(Ordering::SeqCst)
    }

    /// A handle to the driver's waker, as the future sees it.
    pub fn waker(&self) -> Waker {
        Waker::from(self.waker.clone())
    }

    /// Polls `future` once.
    pub fn poll<F: Future + ?Sized>(&mut self, future: Pin<&mut F>) -> Poll<F::Output> {
        self.polls += 1;
        self.record(format!("poll {}", self.polls));
        let waker = self.waker();
        let result = future.poll(&mut Context::from_waker(&waker));
        self.record(match result {
            Poll::Ready(_) => "  -> Ready",
            Poll::Pending => "  -> Pending",
        });
        result
    }

    /// Polls `future` until it is ready, the way an executor would: only
    /// again after it has been woken.
    ///
    /// Panics with an explanation if the future returns `Pending` without
    /// waking its waker, or is still pending after `limits.max_polls` polls.
    #[track_caller]
    pub fn run<F: Future>(&mut self, future: F, limits: Limits) -> F::Output {
        let mut future = pin!(future);
        loop {
            let wakes_before = self.wakes();
            if let Poll::Ready(output) = self.poll(future.as_mut()) {
                return output;
            }
            let n = self.polls;
            let name = &self.name;
            assert!(
                self.wakes() > wakes_before,
                "`{name}` returned Poll::Pending on poll {n} without arranging a wake-up, \
                 so an executor would never poll it again (it hangs).\n\
                 Before returning Pending, make sure the waker from `cx.waker()` will be woken: \
                 if the future can make progress right away, call `cx.waker().wake_by_ref()`."
            );
            assert!(
                n < limits.max_polls,
                "`{name}` is still Pending after {n} polls; expected it to finish long before that."
            );
        }
    }

    fn record(&self, event: impl Into<String>) {
        if let Some(trace) = &self.waker.trace {
            trace.push(event);
        }
    }
}
