use std::future::Future;
use std::pin::{Pin, pin};
use std::sync::{Arc, Barrier};
use std::task::{Context, Poll};
use std::thread;
use std::time::{Duration, Instant};

use counting_waker::{WakeCounter, waker_for};
use workbook_support::{Scripted, Trace, within};

const LIMIT: Duration = Duration::from_secs(5);

/// How many references to `counter` exist besides the test's own.
fn held_by_wakers(counter: &Arc<WakeCounter>) -> usize {
    Arc::strong_count(counter) - 1
}

#[test]
fn the_waker_holds_a_reference_to_the_shared_counter() {
    within(LIMIT, || {
        let counter = Arc::new(WakeCounter::new());
        let waker = waker_for(&counter);
        let held = held_by_wakers(&counter);
        assert!(
            held <= 1,
            "waker_for(&counter) took {held} references to the counter, but the waker it \
             returned owns only one: expected Arc::strong_count(&counter) == 2 (the test's + \
             the waker's), found {}. A reference that was taken and never given back (a \
             forgotten Arc) is a leak: the counter could never be freed.",
            Arc::strong_count(&counter)
        );
        assert_eq!(
            held,
            1,
            "waker_for(&counter) must return a waker that holds one reference to this very \
             counter, so that it can count each wake-up in the shared counter: \
             expected Arc::strong_count(&counter) == 2 (the test's + the waker's), found {}. \
             A waker made from a new WakeCounter, or a no-op waker, holds none.",
            Arc::strong_count(&counter)
        );
        drop(waker);
        assert_eq!(
            held_by_wakers(&counter),
            0,
            "dropping the only waker must release its reference: expected \
             Arc::strong_count(&counter) == 1, found {}",
            Arc::strong_count(&counter)
        );
    });
}

#[test]
fn wake_by_ref_is_counted_once_by_ref() {
    within(LIMIT, || {
        let counter = Arc::new(WakeCounter::new());
        let waker = waker_for(&counter);
        for _ in 0..3 {
            waker.wake_by_ref();
        }
        let (by_ref, by_value) = (counter.by_ref(), counter.by_value());
        assert!(
            !(by_ref == 0 && by_value == 3),
            "waker.wake_by_ref() 3 times was counted as 3 calls of Wake::wake: without your own \
             Wake::wake_by_ref, the trait's default clones the Arc and calls Wake::wake. \
             Override wake_by_ref and count in `by_ref` there."
        );
        assert_eq!(
            (by_ref, by_value),
            (3, 0),
            "after 3 calls of waker.wake_by_ref(), expected (by_ref, by_value) == (3, 0): \
             Wake::wake_by_ref must add exactly one to `by_ref` per call"
        );
        assert_eq!(
            held_by_wakers(&counter),
            1,
            "wake_by_ref() must not take or release references: the waker still holds exactly one"
        );
    });
}

#[test]
fn wake_is_counted_once_by_value() {
    within(LIMIT, || {
        let counter = Arc::new(WakeCounter::new());
        let waker = waker_for(&counter);
        // A clone of our own to use up, as a timer would use up the one it stored.
        let stored = waker.clone();
        stored.wake();
        let (by_ref, by_value) = (counter.by_ref(), counter.by_value());
        assert!(
            !(by_ref == 1 && by_value == 0),
            "waker.wake() was counted in `by_ref`: Wake::wake must count in `by_value` \
             (calling self.wake_by_ref() from wake counts it in the wrong place)"
        );
        assert_eq!(
            (by_ref, by_value),
            (0, 1),
            "after one waker.wake(), expected (by_ref, by_value) == (0, 1): \
             Wake::wake must add exactly one to `by_value`"
        );
        waker.wake();
        assert_eq!(
            counter.by_value(),
            2,
            "a second waker.wake() should make by_value 2"
        );
    });
}

#[test]
fn every_waker_releases_its_reference() {
    within(LIMIT, || {
        let counter = Arc::new(WakeCounter::new());
        let waker = waker_for(&counter);
        let a = waker.clone();
        let b = waker_for(&counter);
        assert_eq!(
            held_by_wakers(&counter),
            3,
            "three live wakers (one of them a clone) should hold 3 references to the counter"
        );
        a.wake();
        assert_eq!(
            held_by_wakers(&counter),
            2,
            "wake() uses up the waker: its reference must be released (let the Arc in \
             Wake::wake drop), leaving 2"
        );
        b.wake_by_ref();
        drop(b);
        drop(waker);
        assert_eq!(
            held_by_wakers(&counter),
            0,
            "after every waker was woken or dropped, only the test's reference should be left: \
             expected Arc::strong_count(&counter) == 1, found {}",
            Arc::strong_count(&counter)
        );
        assert_eq!(
            counter.total(),
            2,
            "one wake() and one wake_by_ref() were called"
        );
    });
}

#[test]
fn wakes_from_other_threads_are_all_counted() {
    const THREADS: usize = 4;
    // Each thread wakes for this long, so that the threads really overlap
    // even on a busy machine, where a fixed number of calls may finish
    // within one time slice.
    const FOR: Duration = Duration::from_millis(300);
    within(LIMIT, || {
        let counter = Arc::new(WakeCounter::new());
        let waker = waker_for(&counter);
        // A Waker is Send + Sync: each thread wakes the same waker by
        // reference, all at once, and then wakes its own clone by value.
        let start = Barrier::new(THREADS);
        let calls: usize = thread::scope(|s| {
            let threads: Vec<_> = (0..THREADS)
                .map(|_| {
                    let own = waker.clone();
                    let (shared, start) = (&waker, &start);
                    s.spawn(move || {
                        start.wait();
                        let until = Instant::now() + FOR;
                        let mut calls = 0;
                        while calls % 1024 != 0 || Instant::now() < until {
                            shared.wake_by_ref();
                            calls += 1;
                        }
                        own.wake();
                        calls
                    })
                })
                .collect();
            threads
                .into_iter()
                .map(|t| t.join().expect("a waking thread panicked"))
                .sum()
        });
        let expected = calls;
        let counted = counter.by_ref();
        assert!(
            counted > 0,
            "{THREADS} threads called wake_by_ref() on a shared waker, but no wake-up was counted"
        );
        assert!(
            counted <= expected,
            "{THREADS} threads called wake_by_ref() {expected} times in all, but {counted} wake-ups \
             were counted in `by_ref`, more than {expected}: count each wake-up once, in the \
             method that received it"
        );
        assert_eq!(
            counted, expected,
            "{THREADS} threads called wake_by_ref() {expected} times in all, but only {counted} \
             wake-ups were counted: wake-ups that happened at the same moment were lost. \
             Add with one atomic read-modify-write (fetch_add), not a load followed by a store."
        );
        assert_eq!(
            counter.by_value(),
            THREADS,
            "each of the {THREADS} threads woke its own clone once by value"
        );
        drop(waker);
        assert_eq!(
            held_by_wakers(&counter),
            0,
            "every waker is gone, so only the test's reference should be left"
        );
    });
}

/// A tiny executor: polls `future` with a waker from `counter`, and polls
/// again only after a wake-up was counted. Returns the output and the
/// number of polls.
fn run_counted<F: Future>(future: F, counter: &Arc<WakeCounter>) -> (F::Output, usize) {
    let waker = waker_for(counter);
    let mut cx = Context::from_waker(&waker);
    let mut future = pin!(future);
    for poll in 1..=100 {
        let before = counter.total();
        if let Poll::Ready(output) = future.as_mut().poll(&mut cx) {
            return (output, poll);
        }
        assert!(
            counter.total() > before,
            "poll {poll} returned Pending and the future woke its waker, but the counter saw \
             no wake-up (total stayed {before}), so this executor would never poll it again"
        );
    }
    panic!("the future was still Pending after 100 polls");
}

#[test]
fn counts_the_wake_ups_of_a_future() {
    within(LIMIT, || {
        let counter = Arc::new(WakeCounter::new());
        let trace = Trace::new();
        // Pending three times, waking its waker by reference each time.
        let (output, polls) = run_counted(Scripted::new("leaf", &trace, 3, "done"), &counter);
        assert_eq!((output, polls), ("done", 4));
        assert_eq!(
            (counter.by_ref(), counter.by_value()),
            (3, 0),
            "the future called cx.waker().wake_by_ref() before each of its 3 Pendings"
        );

        // tokio's yield_now, polled outside a runtime, is Pending once and
        // wakes its waker by reference.
        let ((), polls) = run_counted(tokio::task::yield_now(), &counter);
        assert_eq!(polls, 2);
        assert_eq!(counter.by_ref(), 4, "yield_now wakes by reference once");
        assert_eq!(
            held_by_wakers(&counter),
            0,
            "the executor's waker is gone: only the test's reference should be left"
        );
    });
}

/// Keeps a clone of the waker and hands it to a thread that wakes it by
/// value, the way a timer or an I/O driver does.
#[derive(Default)]
struct WokenByThread {
    thread: Option<thread::JoinHandle<()>>,
    started: bool,
}

impl Future for WokenByThread {
    type Output = ();

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        if self.started {
            return Poll::Ready(());
        }
        let waker = cx.waker().clone();
        self.thread = Some(thread::spawn(move || waker.wake()));
        self.started = true;
        Poll::Pending
    }
}

#[test]
fn counts_a_wake_up_from_another_thread() {
    within(LIMIT, || {
        let counter = Arc::new(WakeCounter::new());
        let waker = waker_for(&counter);
        let mut cx = Context::from_waker(&waker);
        let mut future = WokenByThread::default();
        assert_eq!(Pin::new(&mut future).poll(&mut cx), Poll::Pending);
        // Wait until the other thread has returned from wake(): everything
        // it did is then visible here.
        let thread = future.thread.take().expect("the future started a thread");
        thread.join().expect("the waking thread panicked");
        assert_eq!(
            (counter.by_value(), counter.by_ref()),
            (1, 0),
            "another thread woke a clone of the waker once, by value; expected \
             (by_value, by_ref) == (1, 0)"
        );
        assert_eq!(
            held_by_wakers(&counter),
            1,
            "the clone was used up by wake() on the other thread, so only the executor's \
             waker should still hold a reference"
        );
        assert_eq!(Pin::new(&mut future).poll(&mut cx), Poll::Ready(()));
        drop(waker);
        assert_eq!(held_by_wakers(&counter), 0, "every waker is gone");
    });
}
