use std::future::Future;
use std::mem;
use std::pin::{Pin, pin};
use std::sync::Arc;
use std::task::{Context, Poll, Waker};
use std::thread;
use std::time::Duration;

use raw_waker::{Counter, counter_waker};
use workbook_support::{Scripted, Trace, within};

/// Miri interprets every step and runs far slower: it gets a longer limit
/// and fewer rounds (`cargo +nightly miri test -p raw-waker`).
const LIMIT: Duration = Duration::from_secs(if cfg!(miri) { 60 } else { 5 });

/// The ownership rules the vtable must follow, repeated in every
/// reference-count failure.
const CONTRACT: &str = "The rule: every waker owns one reference. counter_waker and clone \
                        each add one; wake and drop each release one; wake_by_ref neither \
                        adds nor releases.";

/// References the test leaks on purpose, see [`Checked`].
const SPARE: usize = 100;

/// A counter whose reference count is checked after every step.
///
/// A wrong vtable function can release a reference that a waker still
/// needs. If the count reached zero, the counter would be freed while
/// wakers still point to it, and the test would go on to read freed memory
/// (undefined behaviour) instead of failing with a message. So each test
/// first leaks `SPARE` extra references: the count stays far above zero
/// even when a wrong answer releases too much, and the first wrong step is
/// reported by an assertion. A test that passes gives the spare references
/// back at the end, so that nothing leaks (Miri reports leaks); a test that
/// fails leaves them, and the counter is never freed.
struct Checked {
    counter: Arc<Counter>,
    /// The strong count when no waker exists.
    base: usize,
}

impl Checked {
    fn new() -> Self {
        let counter = Arc::new(Counter::new());
        for _ in 0..SPARE {
            mem::forget(Arc::clone(&counter));
        }
        let base = Arc::strong_count(&counter);
        Self { counter, base }
    }

    fn waker(&self) -> Waker {
        counter_waker(&self.counter)
    }

    /// How many references the live wakers hold: the strong count minus
    /// the test's own. Negative if more were released than taken.
    fn held(&self) -> isize {
        Arc::strong_count(&self.counter) as isize - self.base as isize
    }

    /// Checks that after `step` the live wakers hold exactly `expected`
    /// references to the counter.
    #[track_caller]
    fn expect_refs(&self, step: &str, expected: isize, fix: &str) {
        let held = self.held();
        if held != expected {
            let what = if held < expected {
                format!(
                    "{} too few: a reference was released that nobody owned, or a waker \
                     was made without one",
                    expected - held
                )
            } else {
                format!(
                    "{} too many: a reference was taken and never released, a leak",
                    held - expected
                )
            };
            panic!(
                "after {step}: the live wakers should hold {expected} reference(s) to the \
                 counter, found {held} ({what}; counted as Arc::strong_count minus the \
                 test's own references).\n{fix}{sep}{CONTRACT}",
                sep = if fix.is_empty() { "" } else { "\n" },
            );
        }
    }

    #[track_caller]
    fn expect_wakes(&self, step: &str, expected: usize) {
        let wakes = self.counter.wakes();
        assert_eq!(
            wakes, expected,
            "after {step}: expected {expected} wake-up(s) counted, found {wakes}. \
             wake and wake_by_ref must each count one wake-up (Counter::count_wake)"
        );
    }
}

impl Drop for Checked {
    fn drop(&mut self) {
        // Only after a passing test: every step's count was right, so the
        // spare references are still there, all of them ours to release.
        if !std::thread::panicking() {
            for _ in 0..SPARE {
                // SAFETY: `Checked::new` leaked `SPARE` clones of `counter`
                // with `mem::forget`; each call gives back one of them, and
                // `self.counter` keeps the count above zero.
                unsafe { Arc::decrement_strong_count(Arc::as_ptr(&self.counter)) };
            }
        }
    }
}

#[test]
fn a_new_waker_owns_one_reference_and_drop_releases_it() {
    within(LIMIT, || {
        let c = Checked::new();
        let waker = c.waker();
        c.expect_refs(
            "counter_waker(&counter)",
            1,
            "the waker must own exactly one reference of its own, or the counter could be \
             freed while the waker still points to it: its data pointer must carry a \
             reference that nobody else will release (a pointer from Arc::as_ptr carries \
             none; the caller's own reference is not the waker's to take).",
        );
        drop(waker);
        c.expect_refs(
            "drop(waker)",
            0,
            "the vtable's drop function must release the reference that the dropped waker \
             owned, exactly once.",
        );
        c.expect_wakes("creating and dropping a waker", 0);
    });
}

#[test]
fn clone_adds_a_reference() {
    within(LIMIT, || {
        let c = Checked::new();
        let waker = c.waker();
        c.expect_refs("counter_waker(&counter)", 1, "");
        let second = waker.clone();
        let clone_fix = "clone must add exactly one reference for the new waker and \
                         return a RawWaker that owns it; the waker being cloned keeps its own.";
        c.expect_refs("let second = waker.clone()", 2, clone_fix);
        let more: Vec<Waker> = (0..3).map(|_| second.clone()).collect();
        c.expect_refs("3 more clones", 5, clone_fix);
        drop(more);
        c.expect_refs(
            "dropping the 3 clones",
            2,
            "each dropped clone releases its one reference",
        );
        drop(second);
        drop(waker);
        c.expect_refs(
            "dropping every waker",
            0,
            "each dropped waker releases its one reference",
        );
    });
}

#[test]
fn wake_by_ref_counts_and_keeps_the_reference() {
    within(LIMIT, || {
        let c = Checked::new();
        let waker = c.waker();
        c.expect_refs("counter_waker(&counter)", 1, "");
        let keep = "wake_by_ref only borrows the waker: it must not release its reference \
                    (an Arc rebuilt from the pointer releases one when it goes out of \
                    scope), nor add one.";
        waker.wake_by_ref();
        c.expect_refs("waker.wake_by_ref()", 1, keep);
        c.expect_wakes("waker.wake_by_ref()", 1);
        waker.wake_by_ref();
        c.expect_refs("a second waker.wake_by_ref()", 1, keep);
        c.expect_wakes("a second waker.wake_by_ref()", 2);
        drop(waker);
        c.expect_refs(
            "drop(waker)",
            0,
            "the waker still owned its reference: drop releases it",
        );
    });
}

#[test]
fn wake_counts_and_releases_the_reference() {
    within(LIMIT, || {
        let c = Checked::new();
        let waker = c.waker();
        let second = waker.clone();
        c.expect_refs("counter_waker(&counter) and one clone", 2, "");
        let release = "wake uses up the waker: it must release the reference the waker \
                       owned, exactly once. The waker's drop function is not called \
                       after wake, so wake must release it itself.";
        second.wake();
        c.expect_refs("second.wake()", 1, release);
        c.expect_wakes("second.wake()", 1);
        waker.wake();
        c.expect_refs("waker.wake() on the last waker", 0, release);
        c.expect_wakes("waker.wake() on the last waker", 2);
    });
}

#[test]
fn wakers_work_from_other_threads() {
    const THREADS: usize = 4;
    const ROUNDS: usize = if cfg!(miri) { 50 } else { 1_000 };
    within(LIMIT, || {
        let c = Checked::new();
        // First the same steps on one thread, so that a wrong answer fails
        // here with a clear message instead of losing hundreds of references
        // in the loop below.
        {
            let waker = c.waker();
            let clone = waker.clone();
            clone.wake_by_ref();
            clone.wake();
            c.expect_refs("clone, wake_by_ref and wake on one thread", 1, "");
            drop(waker);
            c.expect_refs("dropping the last waker", 0, "");
        }
        let waker = c.waker();
        thread::scope(|s| {
            for _ in 0..THREADS {
                let own = waker.clone();
                s.spawn(move || {
                    for _ in 0..ROUNDS {
                        let clone = own.clone();
                        clone.wake_by_ref();
                        clone.wake();
                    }
                });
            }
        });
        c.expect_refs(
            "threads cloned, woke and dropped wakers at the same time",
            1,
            "every clone made on another thread was used up by wake(): only the test's \
             waker is left",
        );
        c.expect_wakes(
            "threads cloned, woke and dropped wakers at the same time",
            2 + THREADS * ROUNDS * 2,
        );
        drop(waker);
        c.expect_refs("dropping the last waker", 0, "");
    });
}

#[test]
fn drives_a_future() {
    within(LIMIT, || {
        let c = Checked::new();
        let trace = Trace::new();
        let waker = c.waker();
        let mut cx = Context::from_waker(&waker);
        // Pending three times, waking its waker by reference each time.
        let mut future = pin!(Scripted::new("leaf", &trace, 3, "done"));
        let mut polls = 0;
        let output = loop {
            polls += 1;
            assert!(polls <= 10, "the future should be Ready on poll 4");
            let before = c.counter.wakes();
            if let Poll::Ready(output) = future.as_mut().poll(&mut cx) {
                break output;
            }
            assert_eq!(
                c.counter.wakes(),
                before + 1,
                "poll {polls} woke the waker with wake_by_ref before returning Pending, \
                 so the counter should count one more wake-up"
            );
        };
        assert_eq!((output, polls), ("done", 4));
        drop(waker);
        c.expect_refs("the future finished and the waker was dropped", 0, "");
    });
}

#[test]
fn tokio_keeps_a_clone_and_releases_it() {
    within(LIMIT, || {
        let c = Checked::new();
        let waker = c.waker();
        let mut cx = Context::from_waker(&waker);
        let (tx, mut rx) = tokio::sync::oneshot::channel::<u32>();
        assert_eq!(Pin::new(&mut rx).poll(&mut cx), Poll::Pending);
        c.expect_refs(
            "polling an empty tokio oneshot receiver, which keeps a clone of the waker",
            2,
            "clone must add exactly one reference for the new waker",
        );
        // tokio's `send` wakes the stored clone with `wake_by_ref` and keeps
        // it until the channel is dropped.
        thread::spawn(move || tx.send(7).expect("the receiver is alive"))
            .join()
            .expect("the sending thread panicked");
        c.expect_wakes("sending on the channel from another thread", 1);
        c.expect_refs(
            "tokio's send, which wakes its stored clone with wake_by_ref and keeps it",
            2,
            "wake_by_ref only borrows the waker: it must not release the reference that \
             tokio's clone still owns.",
        );
        assert_eq!(Pin::new(&mut rx).poll(&mut cx), Poll::Ready(Ok(7)));
        drop(rx);
        c.expect_refs(
            "dropping the channel, which drops tokio's clone of the waker",
            1,
            "drop must release the reference that tokio's clone owned.",
        );
        drop(waker);
        c.expect_refs(
            "dropping the last waker",
            0,
            "drop must release the reference that the waker owned.",
        );
    });
}
