use std::fs;
use std::future::Future;
use std::path::{Path, PathBuf};
use std::pin::Pin;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering::SeqCst};
use std::sync::{Arc, Mutex, mpsc};
use std::task::{Context, Poll, Waker};
use std::thread::{self, ThreadId};
use std::time::{Duration, Instant};

use block_on::block_on;
use workbook_support::{Scripted, Trace};

/// How long a `block_on` whose future was woken may take to return.
const LIMIT: Duration = Duration::from_secs(2);
/// How long the other thread watches for polls nobody asked for.
const WATCH: Duration = Duration::from_millis(100);

/// Runs `body` on a thread of its own; if it has not finished within
/// `LIMIT`, fails with `on_timeout`. A `block_on` that sleeps forever
/// cannot be interrupted, so the test waits for it with a deadline.
fn finishes<T: Send + 'static>(on_timeout: &str, body: impl FnOnce() -> T + Send + 'static) -> T {
    let (done, result) = mpsc::channel();
    thread::spawn(move || {
        let outcome = std::panic::catch_unwind(std::panic::AssertUnwindSafe(body));
        let _ = done.send(outcome);
    });
    match result.recv_timeout(LIMIT) {
        Ok(Ok(value)) => value,
        Ok(Err(panic)) => std::panic::resume_unwind(panic),
        Err(_) => panic!("block_on did not return within {LIMIT:?}. {on_timeout}"),
    }
}

#[test]
fn returns_the_output_of_a_ready_future() {
    let output = finishes("The future was Ready on its first poll.", || {
        block_on(async { 6 * 7 })
    });
    assert_eq!(output, 42, "block_on must return the future's output");
}

#[test]
fn polls_again_after_a_wake_up_during_the_poll() {
    let trace = Trace::new();
    let events = trace.clone();
    let output = finishes(
        "The future woke its waker during each poll, before it returned Pending: that \
         wake-up came before the thread went to sleep. Likely cause: the wake-up was \
         forgotten (a \"woken\" flag cleared after the poll, or a notification sent \
         while nobody was waiting) and the thread then slept forever, or `wake_by_ref` \
         does not do what `wake` does (the future wakes by reference).",
        move || block_on(Scripted::new("future", &trace, 3, "done")),
    );
    assert_eq!(output, "done", "block_on must return the future's output");
    let polls = events.count(|e| e.starts_with("  future:"));
    assert_eq!(
        polls,
        4,
        "a future that is Pending 3 times (waking itself each time) must be polled 4 \
         times; it was polled {polls} times:\n{}",
        events.render()
    );
}

/// A future that waits for another thread: `Pending` until `fired` is set,
/// with its waker where the other thread finds it. It counts its polls and
/// notes the thread each poll ran on.
#[derive(Default)]
struct Remote {
    fired: AtomicUsize,
    waker: Mutex<Option<Waker>>,
    polls: AtomicUsize,
    threads: Mutex<Vec<ThreadId>>,
    registered: AtomicBool,
    /// Where Linux shows the state of the thread that runs `block_on`.
    stat: Mutex<Option<PathBuf>>,
}

/// The scheduler state of a thread on Linux: `R` running or ready to run,
/// `S` asleep. `None` elsewhere.
fn thread_state(stat: &Path) -> Option<char> {
    let text = fs::read_to_string(stat).ok()?;
    // The state follows the command name, which is in parentheses.
    let after_name = &text[text.rfind(')')? + 1..];
    after_name.trim_start().chars().next()
}

struct WaitFor {
    remote: Arc<Remote>,
    /// How many times the other thread must fire before this is `Ready`.
    fires: usize,
}

impl Future for WaitFor {
    type Output = usize;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<usize> {
        let remote = &self.remote;
        let polls = remote.polls.fetch_add(1, SeqCst) + 1;
        remote.threads.lock().unwrap().push(thread::current().id());
        // Register, then check (as the Wakers chapter taught).
        *remote.waker.lock().unwrap() = Some(cx.waker().clone());
        remote.registered.store(true, SeqCst);
        if remote.fired.load(SeqCst) >= self.fires {
            Poll::Ready(polls)
        } else {
            Poll::Pending
        }
    }
}

#[test]
fn sleeps_until_another_thread_wakes_the_future() {
    const FIRES: usize = 2;
    let remote = Arc::new(Remote::default());
    let other_side = remote.clone();
    let other_thread = thread::spawn(move || {
        let remote = other_side;
        let mut unasked = Vec::new();
        let mut samples = 0;
        let mut awake = 0;
        for fire in 1..=FIRES {
            // Wait for the poll that registers the waker...
            let deadline = Instant::now() + LIMIT;
            while !remote.registered.swap(false, SeqCst) {
                assert!(Instant::now() < deadline, "the future was never polled");
                thread::yield_now();
            }
            // ...then watch: no poll should come until we wake the waker.
            let polls_before = remote.polls.load(SeqCst);
            let watch_until = Instant::now() + WATCH;
            let stat = remote.stat.lock().unwrap().clone();
            while Instant::now() < watch_until && remote.polls.load(SeqCst) == polls_before {
                thread::sleep(Duration::from_millis(1));
                if let Some(state) = stat.as_deref().and_then(thread_state) {
                    samples += 1;
                    awake += usize::from(state == 'R');
                }
            }
            unasked.push(remote.polls.load(SeqCst) - polls_before);
            remote.fired.store(fire, SeqCst);
            if let Some(waker) = remote.waker.lock().unwrap().take() {
                waker.wake();
            }
        }
        (unasked, samples, awake)
    });
    let waiting = remote.clone();
    let (polls, block_on_thread) = finishes(
        "The future's waker was woken from another thread while block_on slept. Likely \
         cause: waking does not wake the thread that runs block_on (a waker that unparks \
         `thread::current()` at the time of the wake-up unparks the waking thread), or \
         the wake-up was lost.",
        move || {
            // Linux only: lets the other thread see whether this one sleeps.
            let stat = fs::read_link("/proc/thread-self").ok();
            *waiting.stat.lock().unwrap() = stat.map(|t| Path::new("/proc").join(t).join("stat"));
            let polls = block_on(WaitFor {
                remote: waiting,
                fires: FIRES,
            });
            (polls, thread::current().id())
        },
    );
    let (unasked, samples, awake) = other_thread.join().expect("the waking thread failed");
    assert!(
        unasked.iter().all(|&n| n == 0),
        "while the future waited for another thread, block_on polled it again without \
         being woken ({unasked:?} extra polls in two waits of {WATCH:?}). That is busy \
         polling: it keeps a CPU core busy doing nothing. Sleep between polls until the \
         future's waker is woken."
    );
    assert!(
        awake * 2 <= samples,
        "while the future waited for another thread, the thread in block_on did not sleep: \
         in {awake} of {samples} looks it was running or ready to run. It polled only when \
         woken, so it must be spinning in a loop in between (on a flag, or with \
         `yield_now`). Put the thread to sleep until the waker wakes it."
    );
    assert_eq!(
        polls,
        FIRES + 1,
        "a future woken {FIRES} times by another thread should be polled {} times: once, \
         then once after each wake-up",
        FIRES + 1
    );
    let threads = remote.threads.lock().unwrap().clone();
    assert!(
        threads.iter().all(|&t| t == block_on_thread),
        "every poll must run on the thread that called block_on; some ran elsewhere: \
         {threads:?} (the caller is {block_on_thread:?})"
    );
}

#[test]
fn can_be_called_again_on_the_same_thread() {
    let trace = Trace::new();
    let events = trace.clone();
    let outputs = finishes(
        "The second block_on on the same thread hung. Likely cause: state left over from \
         the first call (a flag or waker shared between calls).",
        move || {
            let first = block_on(Scripted::new("first", &trace, 2, 1));
            let second = block_on(Scripted::new("second", &trace, 2, 2));
            (first, second)
        },
    );
    assert_eq!(
        outputs,
        (1, 2),
        "each block_on returns its own future's output"
    );
    assert_eq!(
        events.count(|e| e.starts_with("  second:")),
        3,
        "the second future (Pending twice) should be polled 3 times:\n{}",
        events.render()
    );
}

/// A future that is `Pending` until another thread sets `fired`, and hands
/// its waker to that thread on every poll. It counts its polls and how many
/// of them came while `fired` was still clear (polls nobody asked for).
#[derive(Default)]
struct Handoff {
    fired: AtomicBool,
    waker: Mutex<Option<Waker>>,
    polls: AtomicUsize,
    unasked: AtomicUsize,
}

impl Handoff {
    fn poll_here(&self, cx: &mut Context<'_>) -> Poll<()> {
        self.polls.fetch_add(1, SeqCst);
        *self.waker.lock().unwrap() = Some(cx.waker().clone());
        if self.fired.load(SeqCst) {
            Poll::Ready(())
        } else {
            if self.polls.load(SeqCst) > 1 {
                self.unasked.fetch_add(1, SeqCst);
            }
            Poll::Pending
        }
    }

    fn fire(&self) {
        self.fired.store(true, SeqCst);
        if let Some(waker) = self.waker.lock().unwrap().take() {
            waker.wake();
        }
    }
}

/// How long the waking thread waits before it wakes the future. The test
/// wants `block_on` asleep at that moment, and a thread cannot be told to
/// go to sleep: it is given time to. A wrong `block_on` polls again within
/// microseconds, so a short wait is enough.
const SETTLE: Duration = Duration::from_millis(20);

/// Runs `block_on` on a future that waits for another thread, which wakes
/// it once after `SETTLE`. `before` runs first, on the `block_on` thread.
/// Returns the future's counters.
fn wait_for_one_wake_up(on_timeout: &str, before: fn()) -> Arc<Handoff> {
    let shared = Arc::new(Handoff::default());
    let future_side = shared.clone();
    let waking_side = shared.clone();
    let waking = thread::spawn(move || {
        thread::sleep(SETTLE);
        waking_side.fire();
    });
    finishes(on_timeout, move || {
        before();
        block_on(std::future::poll_fn(move |cx| future_side.poll_here(cx)));
    });
    waking.join().expect("the waking thread failed");
    shared
}

#[test]
fn a_wake_up_left_over_from_an_earlier_call_causes_no_poll() {
    // The first call's future wakes itself in the poll that returns Ready:
    // that wake-up arrives after block_on no longer needs it.
    let leave_a_wake_up = || {
        block_on(std::future::poll_fn(|cx| {
            cx.waker().wake_by_ref();
            Poll::Ready(())
        }))
    };
    let future = wait_for_one_wake_up(
        "The second block_on on this thread was woken once from another thread.",
        leave_a_wake_up,
    );
    let unasked = future.unasked.load(SeqCst);
    assert_eq!(
        unasked, 0,
        "an earlier block_on on this thread was woken after its future was Ready; the \
         next block_on then polled its own future {unasked} time(s) before that future's \
         waker was woken. Likely cause: the thread's sleep is ended by a wake-up that was \
         meant for an earlier call (`park` returns at once when an `unpark` came before \
         it), and block_on polls after every return from its sleep. Give each call a \
         \"woken\" flag of its own, and go back to sleep while it is clear (a loop, not \
         an `if`)."
    );
}

#[test]
fn two_block_ons_at_once_keep_their_wake_ups_apart() {
    // `first` runs block_on on one thread and waits; the second block_on's
    // future wakes `first`'s waker during its poll, never its own.
    let first = Arc::new(Handoff::default());
    let first_side = first.clone();
    let first_thread = thread::spawn(move || {
        finishes(
            "Two block_on calls ran at once on two threads. This one's future was woken by \
             the other call's future, yet this block_on never polled it again. Likely \
             cause: the \"woken\" flag is shared by every call (a `static`), so the other \
             call took this call's wake-up for its own. Keep one flag per call, in the \
             waker.",
            move || block_on(std::future::poll_fn(move |cx| first_side.poll_here(cx))),
        )
    });
    let deadline = Instant::now() + LIMIT;
    while first.waker.lock().unwrap().is_none() {
        assert!(
            Instant::now() < deadline,
            "the first future was never polled"
        );
        thread::yield_now();
    }
    let second = Arc::new(Handoff::default());
    let second_side = second.clone();
    let (first_done, first_done_seen) = (first.clone(), first.clone());
    let second_thread = thread::spawn(move || {
        finishes(
            "The second block_on was woken from another thread and did not return.",
            move || {
                block_on(std::future::poll_fn(move |cx| {
                    if second_side.polls.load(SeqCst) == 0 {
                        first_done.fire();
                    }
                    second_side.poll_here(cx)
                }))
            },
        )
    });
    first_thread
        .join()
        .unwrap_or_else(|p| std::panic::resume_unwind(p));
    assert!(
        first_done_seen.fired.load(SeqCst),
        "the first future was fired"
    );
    second.fire();
    second_thread
        .join()
        .unwrap_or_else(|p| std::panic::resume_unwind(p));
    let unasked = second.unasked.load(SeqCst);
    assert_eq!(
        unasked, 0,
        "two block_on calls ran at once on two threads; the second call's future woke the \
         first call's waker (not its own), and the second call then polled its future \
         {unasked} time(s) before its own waker was woken. Likely cause: the \"woken\" flag \
         is shared by every call (a `static`), so one call sees another's wake-up. Keep \
         one flag per call, in the waker."
    );
}

/// How many times the current thread has gone to sleep by itself so far,
/// from Linux's `/proc/thread-self/status`; `None` elsewhere.
fn voluntary_switches() -> Option<u64> {
    let status = fs::read_to_string("/proc/thread-self/status").ok()?;
    let line = status
        .lines()
        .find(|line| line.starts_with("voluntary_ctxt_switches:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

#[test]
fn sleeps_once_per_wait_not_in_short_naps() {
    if voluntary_switches().is_none() {
        eprintln!("skipped: this check reads /proc/thread-self/status, which only Linux has");
        return;
    }
    let naps = finishes("The future was woken once from another thread.", || {
        let (mut first, mut last) = (None, None);
        let shared = Arc::new(Handoff::default());
        let waking_side = shared.clone();
        let waking = thread::spawn(move || {
            thread::sleep(SETTLE);
            waking_side.fire();
        });
        block_on(std::future::poll_fn(|cx| {
            // Each poll runs on the block_on thread: note how often it
            // has gone to sleep, at the first poll and at the last.
            let now = voluntary_switches();
            first = first.or(now);
            last = now;
            shared.poll_here(cx)
        }));
        waking.join().expect("the waking thread failed");
        last.unwrap_or(0) - first.unwrap_or(0)
    });
    assert!(
        naps <= 10,
        "while the future waited {SETTLE:?} for one wake-up, the thread in block_on went to \
         sleep {naps} times. Expected a few at most: sleep once, until the waker wakes the \
         thread. Likely cause: a loop that naps (`thread::sleep`, a timed wait) and checks \
         a flag after each nap; it costs a wake-up every few microseconds, and makes \
         every wake-up wait for the end of a nap. Let the waker wake the sleeping thread."
    );
}
