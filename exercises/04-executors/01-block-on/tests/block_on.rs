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
         while nobody was waiting) and the thread then slept forever.",
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
