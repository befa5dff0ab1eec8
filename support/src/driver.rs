use std::future::Future;
use std::pin::{Pin, pin};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::task::{Context, Poll, Wake, Waker};
use std::thread::{self, Thread};
use std::time::{Duration, Instant};

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
    /// What to tell the learner when the future is not woken.
    not_woken_hint: String,
    waker: Arc<CountingWaker>,
    polls: usize,
}

struct CountingWaker {
    wakes: AtomicUsize,
    trace: Option<Trace>,
    /// The thread that created the driver: a wake-up unparks it, so
    /// [`Driver::run_blocking`] can sleep until the future is woken.
    thread: Thread,
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
        self.thread.unpark();
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
            thread: thread::current(),
        });
        Self {
            name: name.to_owned(),
            not_woken_hint: "Before returning Pending, make sure the waker from `cx.waker()` will be woken: \
                             if the future can make progress right away, call `cx.waker().wake_by_ref()`."
                .to_owned(),
            waker,
            polls: 0,
        }
    }

    /// Replaces the advice given when the future returns `Pending` without a
    /// wake-up, for futures (such as combinators) whose fix is different.
    pub fn when_not_woken(&mut self, hint: &str) {
        hint.clone_into(&mut self.not_woken_hint);
    }

    /// Polls `future` from a stack frame `depth` frames deeper than usual,
    /// so that a future that was moved into a local variable of `poll` lands
    /// at a different address on each poll and a move detector such as
    /// futures-test's `AssertUnmoved` notices.
    pub fn poll_at_depth<F: Future + ?Sized>(
        &mut self,
        future: Pin<&mut F>,
        depth: usize,
    ) -> Poll<F::Output> {
        if depth == 0 {
            return self.poll(future);
        }
        let padding = std::hint::black_box([0u8; 512]);
        let result = self.poll_at_depth(future, depth - 1);
        std::hint::black_box(padding);
        result
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
        self.drive(future, limits, None)
    }

    /// Polls `future` until it is ready, sleeping between polls until its
    /// waker is woken, possibly from another thread, as a real executor
    /// does. Call it on the thread that created the driver.
    ///
    /// Panics with an explanation if no wake-up comes within `limit` of the
    /// last `Pending`, or if the future is polled more than
    /// `limits.max_polls` times (busy waking).
    #[track_caller]
    pub fn run_blocking<F: Future>(
        &mut self,
        future: F,
        limit: Duration,
        limits: Limits,
    ) -> F::Output {
        self.drive(future, limits, Some(limit))
    }

    /// The executor loop of [`Driver::run`] (`wait` is `None`: a wake-up
    /// must have happened by the time `poll` returns) and of
    /// [`Driver::run_blocking`] (it may come within `wait`).
    #[track_caller]
    fn drive<F: Future>(&mut self, future: F, limits: Limits, wait: Option<Duration>) -> F::Output {
        let mut future = pin!(future);
        loop {
            let wakes_before = self.wakes();
            if let Poll::Ready(output) = self.poll(future.as_mut()) {
                return output;
            }
            let n = self.polls;
            let name = &self.name;
            match wait {
                None => {
                    let hint = &self.not_woken_hint;
                    assert!(
                        self.wakes() > wakes_before,
                        "`{name}` returned Poll::Pending on poll {n} without arranging a wake-up, \
                         so an executor would never poll it again (it hangs).\n{hint}"
                    );
                }
                Some(limit) => {
                    let deadline = Instant::now() + limit;
                    while self.wakes() == wakes_before {
                        let now = Instant::now();
                        assert!(
                            now < deadline,
                            "`{name}` returned Poll::Pending on poll {n} and was not woken within {limit:?}, \
                             so an executor would never poll it again (it hangs).\n\
                             Likely causes: the waker was never stored or called, an old waker was \
                             woken instead of the one from the latest poll, or the wake-up was lost \
                             between checking and registering."
                        );
                        thread::park_timeout(deadline - now);
                    }
                }
            }
            let why = match wait {
                None => "expected it to finish long before that.",
                Some(_) => "it is woken far more often than it can make progress.",
            };
            assert!(
                n < limits.max_polls,
                "`{name}` is still Pending after {n} polls; {why}"
            );
        }
    }

    fn record(&self, event: impl Into<String>) {
        if let Some(trace) = &self.waker.trace {
            trace.push(event);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Mutex;

    /// Pending until another thread sets `done` and wakes the stored waker.
    struct Flag {
        state: Arc<Mutex<(bool, Option<Waker>)>>,
    }

    impl Future for Flag {
        type Output = ();
        fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
            let mut state = self.state.lock().unwrap();
            if state.0 {
                return Poll::Ready(());
            }
            state.1 = Some(cx.waker().clone());
            Poll::Pending
        }
    }

    #[test]
    fn run_blocking_sleeps_until_another_thread_wakes() {
        let state = Arc::new(Mutex::new((false, None::<Waker>)));
        let remote = state.clone();
        let setter = thread::spawn(move || {
            loop {
                let mut s = remote.lock().unwrap();
                if let Some(waker) = s.1.take() {
                    s.0 = true;
                    waker.wake();
                    return;
                }
                drop(s);
                thread::yield_now();
            }
        });
        let mut driver = Driver::new("Flag");
        driver.run_blocking(Flag { state }, Duration::from_secs(5), Limits::default());
        setter.join().unwrap();
        assert_eq!(driver.polls(), 2);
        assert_eq!(driver.wakes(), 1);
    }

    #[test]
    #[should_panic(expected = "was not woken within")]
    fn run_blocking_reports_a_missing_wake_up() {
        let state = Arc::new(Mutex::new((false, None::<Waker>)));
        let mut driver = Driver::new("Flag");
        driver.run_blocking(Flag { state }, Duration::from_millis(50), Limits::default());
    }
}
