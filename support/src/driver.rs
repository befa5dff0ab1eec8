use std::future::Future;
use std::pin::{Pin, pin};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::task::{Context, Poll, Wake, Waker};
use std::thread::{self, Thread};
use std::time::{Duration, Instant};

use crate::Trace;

/// How long one poll may wait, blocked (asleep, or waiting for a lock, a
/// channel or another thread), before the test fails with "poll must not
/// block". Time spent waiting for a CPU on a loaded machine does not count.
const BLOCKED_LIMIT: Duration = Duration::from_millis(10);

/// How long one poll may compute (on a CPU) before it fails the same way.
const BUSY_LIMIT: Duration = Duration::from_millis(50);

/// Where the kernel cannot tell the two apart: the limit on a poll's
/// wall-clock time, generous for a loaded machine.
const WALL_LIMIT: Duration = Duration::from_millis(100);

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
            not_woken_hint:
                "A future that returns Pending promises that the waker from `cx.waker()` \
                             will be woken once it can make progress. See \"The promise behind \
                             `Pending`\" on the book page \"Implementing Future by hand\", or run \
                             `cargo xtask hint`."
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
    ///
    /// Panics if that one poll blocked its thread: if it waited for more
    /// than 10 ms (asleep, or waiting for a lock, a channel or a thread), or
    /// computed for more than 50 ms. Every poll of a correct answer takes
    /// microseconds. On Linux the kernel's per-thread counters tell waiting
    /// apart from being preempted, so a loaded machine does not fail a
    /// correct answer; elsewhere the limit is 100 ms of wall-clock time.
    #[track_caller]
    pub fn poll<F: Future + ?Sized>(&mut self, future: Pin<&mut F>) -> Poll<F::Output> {
        // Only the call to `poll` is generic; the bookkeeping around it is
        // compiled once, not once per future type a test polls.
        let (waker, before) = self.before_poll();
        let result = future.poll(&mut Context::from_waker(&waker));
        self.after_poll(result.is_ready(), &before);
        result
    }

    fn before_poll(&mut self) -> (Waker, ThreadTimes) {
        self.polls += 1;
        self.record(format!("poll {}", self.polls));
        (self.waker(), ThreadTimes::start())
    }

    #[track_caller]
    fn after_poll(&self, ready: bool, before: &ThreadTimes) {
        let after = ThreadTimes::end();
        self.record(if ready { "  -> Ready" } else { "  -> Pending" });
        if let Some(what) = after.blocked_since(before) {
            let (name, n) = (&self.name, self.polls);
            panic!(
                "poll {n} of `{name}` {what}: poll must not block.\n\
                 An executor runs many tasks on few threads; while one `poll` waits, every \
                 other task on its thread waits too. Something in `poll` waited: a \
                 `thread::sleep`, a blocking lock, `recv` or `join`, or a loop until a \
                 condition holds. Return `Poll::Pending` instead, and arrange for the waker \
                 to be woken when the future can make progress."
            );
        }
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
            self.await_wake_after_pending(wakes_before, limits, wait);
        }
    }

    /// After a `Pending`: fails the test unless the future was woken (by
    /// now, or within `wait`) and is still within `limits`. Not generic, so
    /// it is compiled once rather than once per future type.
    #[track_caller]
    fn await_wake_after_pending(
        &self,
        wakes_before: usize,
        limits: Limits,
        wait: Option<Duration>,
    ) {
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
        let wakes = self.wakes();
        let why = match wait {
            None => "expected it to finish long before that.",
            Some(_) => "it is woken far more often than it can make progress.",
        };
        assert!(
            n < limits.max_polls,
            "`{name}` is still Pending after {n} polls, and its waker was woken {wakes} \
             times; {why}\n\
             Likely causes: it wakes itself on every poll without making progress (busy \
             waking: wake only when something has changed, or leave the wake-up to the \
             inner future that returned Pending), or it starts over on every poll (its \
             progress is not kept in `self`, or a new inner future is made in each poll)."
        );
    }

    fn record(&self, event: impl Into<String>) {
        if let Some(trace) = &self.waker.trace {
            trace.push(event);
        }
    }
}

/// A thread's clock readings: wall-clock time, and where the kernel keeps
/// them (Linux), its time on a CPU and its time waiting for one.
struct ThreadTimes {
    wall: Instant,
    /// (on a CPU, waiting for a CPU), from `/proc/thread-self/schedstat`.
    scheduler: Option<(Duration, Duration)>,
}

impl ThreadTimes {
    /// Readings at the start of a poll: the scheduler's counters first, so
    /// that the wall-clock interval lies within the counters' interval and
    /// the time blocked is never overestimated.
    fn start() -> Self {
        let scheduler = scheduler_times();
        Self {
            wall: Instant::now(),
            scheduler,
        }
    }

    /// Readings at the end of a poll: the wall clock first.
    fn end() -> Self {
        let wall = Instant::now();
        Self {
            wall,
            scheduler: scheduler_times(),
        }
    }

    /// What the thread did since `before` that a poll must not do, if
    /// anything. Miri runs code a thousand times slower: no limit there.
    fn blocked_since(&self, before: &Self) -> Option<String> {
        let wall = self.wall - before.wall;
        if cfg!(miri) {
            return None;
        }
        match (before.scheduler, self.scheduler) {
            (Some((ran0, queued0)), Some((ran1, queued1))) => {
                let ran = ran1.saturating_sub(ran0);
                let blocked = wall.saturating_sub(ran + queued1.saturating_sub(queued0));
                if blocked > BLOCKED_LIMIT {
                    Some(format!("was blocked for {blocked:.0?}"))
                } else if ran > BUSY_LIMIT {
                    Some(format!("kept its thread busy for {ran:.0?}"))
                } else {
                    None
                }
            }
            _ => (wall > WALL_LIMIT).then(|| format!("took {wall:.0?}")),
        }
    }
}

/// This thread's time on a CPU and time waiting for one, so far (Linux).
fn scheduler_times() -> Option<(Duration, Duration)> {
    if cfg!(miri) {
        return None; // Miri refuses to open files, and has no limit anyway
    }
    let stat = std::fs::read_to_string("/proc/thread-self/schedstat").ok()?;
    let mut fields = stat.split_whitespace().map(str::parse::<u64>);
    let running = fields.next()?.ok()?;
    let waiting = fields.next()?.ok()?;
    Some((Duration::from_nanos(running), Duration::from_nanos(waiting)))
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

    /// Sleeps in its first poll, then is ready.
    struct Sleepy(Duration);

    impl Future for Sleepy {
        type Output = ();
        fn poll(self: Pin<&mut Self>, _: &mut Context<'_>) -> Poll<()> {
            thread::sleep(self.0);
            Poll::Ready(())
        }
    }

    #[test]
    #[should_panic(expected = "poll must not block")]
    fn a_poll_that_sleeps_fails() {
        Driver::new("Sleepy").run(Sleepy(Duration::from_millis(20)), Limits::default());
    }

    #[test]
    fn a_poll_that_is_preempted_passes() {
        // Keep both cores busy while polling: waiting for a CPU is not blocking.
        let stop = Arc::new(std::sync::atomic::AtomicBool::new(false));
        let spinners: Vec<_> = (0..4)
            .map(|_| {
                let stop = stop.clone();
                thread::spawn(move || {
                    while !stop.load(Ordering::Relaxed) {
                        std::hint::spin_loop();
                    }
                })
            })
            .collect();
        let mut driver = Driver::new("ready");
        for _ in 0..1000 {
            driver.run(std::future::ready(()), Limits::default());
        }
        stop.store(true, Ordering::Relaxed);
        spinners.into_iter().for_each(|s| s.join().unwrap());
    }
}
