use std::future::{Future, poll_fn};
use std::pin::{Pin, pin};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Barrier, Mutex, mpsc};
use std::task::{Context, Poll, RawWaker, RawWakerVTable, Wake, Waker};
use std::thread;
use std::time::{Duration, Instant};

use latch::{Latch, Wait};
use workbook_support::{Driver, Limits, within};

const LIMIT: Duration = Duration::from_secs(5);

/// Counts down on a thread of its own and waits until it has returned.
fn count_down_on_another_thread(latch: &Latch) {
    let latch = latch.clone();
    thread::spawn(move || latch.count_down())
        .join()
        .expect("Latch::count_down panicked");
}

#[test]
fn latch_and_waiter_can_cross_threads() {
    fn shared_across_threads<T: Clone + Send + Sync + 'static>() {}
    fn sent_to_another_task<T: Future<Output = ()> + Send + 'static>() {}
    shared_across_threads::<Latch>();
    sent_to_another_task::<Wait>();
}

#[test]
fn ready_at_once_when_the_count_is_zero() {
    within(LIMIT, || {
        let mut driver = Driver::new("Latch::new(0).wait()");
        let latch = Latch::new(0);
        assert_eq!(latch.count(), 0, "Latch::new(0).count()");
        assert_eq!(
            driver.poll(pin!(latch.wait())),
            Poll::Ready(()),
            "a waiter of a latch whose count is already zero must be Ready on its first poll"
        );
        assert_eq!(driver.wakes(), 0, "a waiter that is Ready needs no wake-up");
    });
}

#[test]
fn pending_until_the_last_count_down() {
    within(LIMIT, || {
        let mut driver = Driver::new("Latch::new(3).wait()");
        let latch = Latch::new(3);
        let mut wait = pin!(latch.wait());
        assert_eq!(
            driver.poll(wait.as_mut()),
            Poll::Pending,
            "the count is 3: the waiter must be Pending"
        );
        for left in [2, 1] {
            count_down_on_another_thread(&latch);
            assert_eq!(latch.count(), left, "count_down lowers the count by one");
            assert_eq!(
                driver.wakes(),
                0,
                "the count went down to {left}, not to zero, yet the waiter's waker was \
                 woken: wake the waiters when the count reaches zero, not on every count_down"
            );
        }
        count_down_on_another_thread(&latch);
        assert_eq!(latch.count(), 0, "count_down lowers the count by one");
        assert_eq!(
            driver.wakes(),
            1,
            "the count reached zero: the waker of the waiter's latest poll must be woken \
             exactly once; it was woken {} times",
            driver.wakes()
        );
        assert_eq!(
            driver.poll(wait.as_mut()),
            Poll::Ready(()),
            "the count is zero: the waiter must be Ready"
        );
        for _ in 0..2 {
            count_down_on_another_thread(&latch);
        }
        assert_eq!(
            latch.count(),
            0,
            "count_down at zero must do nothing: the count stays zero"
        );
        assert_eq!(
            driver.wakes(),
            1,
            "count_down at zero must do nothing: the waiters were woken once already"
        );
    });
}

#[test]
fn never_wakes_itself_while_waiting() {
    within(LIMIT, || {
        let mut driver = Driver::new("Latch::new(1).wait()");
        let latch = Latch::new(1);
        let mut wait = pin!(latch.wait());
        for n in 1..=5 {
            assert_eq!(
                driver.poll(wait.as_mut()),
                Poll::Pending,
                "poll {n}: the count is 1, so the waiter must be Pending"
            );
        }
        assert_eq!(
            driver.wakes(),
            0,
            "the waiter woke its waker {} times in 5 polls while the count was 1: that is \
             busy waking, the executor polls it for nothing. Only the count_down that \
             reaches zero should wake.",
            driver.wakes()
        );
    });
}

#[test]
fn wakes_every_waiter_exactly_once() {
    const WAITERS: usize = 5;
    within(LIMIT, || {
        let latch = Latch::new(1);
        let mut drivers: Vec<Driver> = (0..WAITERS)
            .map(|n| Driver::new(&format!("waiter {n}")))
            .collect();
        let mut waits: Vec<Pin<Box<Wait>>> = (0..WAITERS).map(|_| Box::pin(latch.wait())).collect();
        // Each waiter is polled three times by its own task, with that
        // task's waker each time.
        for _ in 0..3 {
            for (driver, wait) in drivers.iter_mut().zip(&mut waits) {
                assert_eq!(
                    driver.poll(wait.as_mut()),
                    Poll::Pending,
                    "the count is 1: every waiter must be Pending"
                );
            }
        }
        count_down_on_another_thread(&latch);
        let wakes: Vec<usize> = drivers.iter().map(Driver::wakes).collect();
        assert_eq!(
            wakes, [1; WAITERS],
            "wake-ups of each of {WAITERS} waiters (each polled 3 times with its own task's \
             waker) when the count reached zero: every waiter must be woken exactly once. \
             0 means a waiter was forgotten (does every waiter keep a waker of its own?); \
             more than 1 means it was registered once per poll instead of once"
        );
        for (n, (driver, wait)) in drivers.iter_mut().zip(&mut waits).enumerate() {
            assert_eq!(
                driver.poll(wait.as_mut()),
                Poll::Ready(()),
                "waiter {n}: the count is zero, so it must be Ready"
            );
        }
    });
}

#[test]
fn wakes_only_the_latest_waker_of_each_waiter() {
    within(LIMIT, || {
        // Two waiters. Each is polled by one task, then moves to another.
        let latch = Latch::new(1);
        let mut first = [
            Driver::new("waiter 0, first task"),
            Driver::new("waiter 1, first task"),
        ];
        let mut second = [
            Driver::new("waiter 0, second task"),
            Driver::new("waiter 1, second task"),
        ];
        let mut waits = [Box::pin(latch.wait()), Box::pin(latch.wait())];
        for drivers in [&mut first, &mut second] {
            for (driver, wait) in drivers.iter_mut().zip(&mut waits) {
                assert_eq!(driver.poll(wait.as_mut()), Poll::Pending, "the count is 1");
            }
        }
        count_down_on_another_thread(&latch);
        let stale: Vec<usize> = first.iter().map(Driver::wakes).collect();
        let latest: Vec<usize> = second.iter().map(Driver::wakes).collect();
        assert_eq!(
            stale,
            [0, 0],
            "wake-ups of the wakers from each waiter's first poll: these are stale, each \
             waiter was polled again by another task with a different waker. Keep only the \
             latest waker of each waiter"
        );
        assert_eq!(
            latest,
            [1, 1],
            "wake-ups of the wakers from each waiter's latest poll: each must be woken once, \
             or the task that owns the waiter now is never polled again"
        );
    });
}

#[test]
fn a_spurious_poll_is_still_pending() {
    within(LIMIT, || {
        let mut driver = Driver::new("Latch::new(1).wait()");
        let latch = Latch::new(1);
        let mut wait = pin!(latch.wait());
        assert_eq!(driver.poll(wait.as_mut()), Poll::Pending);
        // Executors may poll without a wake-up, and anything may wake the task.
        driver.waker().wake_by_ref();
        for n in 2..=3 {
            assert_eq!(
                driver.poll(wait.as_mut()),
                Poll::Pending,
                "poll {n} came while the count was still 1: a waiter may be polled (and its \
                 task woken) for other reasons, so `poll` must look at the count every time"
            );
        }
        count_down_on_another_thread(&latch);
        assert_eq!(
            driver.poll(wait.as_mut()),
            Poll::Ready(()),
            "the count is zero"
        );
    });
}

#[test]
fn waiters_made_after_zero_are_ready() {
    within(LIMIT, || {
        let latch = Latch::new(2);
        let clone = latch.clone();
        clone.count_down();
        assert_eq!(latch.count(), 1, "clones of a latch share one count");
        latch.count_down();
        let mut driver = Driver::new("a waiter made after the count reached zero");
        assert_eq!(
            driver.poll(pin!(clone.wait())),
            Poll::Ready(()),
            "a waiter made after the count reached zero must be Ready at once"
        );
    });
}

/// A waker that counts its wake-ups; `Arc::strong_count` on it tells how
/// many clones of it exist.
#[derive(Default)]
struct Held {
    wakes: AtomicUsize,
}

impl Wake for Held {
    fn wake(self: Arc<Self>) {
        self.wake_by_ref();
    }

    fn wake_by_ref(self: &Arc<Self>) {
        self.wakes.fetch_add(1, Ordering::SeqCst);
    }
}

/// Clones of `held`'s wakers that exist besides the test's own reference.
fn clones(held: &Arc<Held>) -> usize {
    Arc::strong_count(held) - 1
}

#[test]
fn a_dropped_waiter_leaves_no_waker_behind() {
    within(LIMIT, || {
        let latch = Latch::new(1);
        let held = Arc::new(Held::default());
        let mut wait = Box::pin(latch.wait());
        {
            let waker = Waker::from(held.clone());
            assert_eq!(
                wait.as_mut().poll(&mut Context::from_waker(&waker)),
                Poll::Pending
            );
        }
        assert!(
            clones(&held) >= 1,
            "the waiter returned Pending but kept no clone of the waker: nothing could wake it"
        );
        drop(wait);
        assert_eq!(
            clones(&held),
            0,
            "a waiter was polled once and dropped before the count reached zero (as a \
             `select!` drops the branch that lost), but {} clone(s) of its waker are still \
             kept. A latch awaited that way would keep a waker for every waiter ever \
             dropped: when a waiter is dropped, remove its waker",
            clones(&held)
        );
        latch.count_down();
        assert_eq!(
            held.wakes.load(Ordering::SeqCst),
            0,
            "the count reached zero after the only waiter was dropped: nobody waits, so \
             nobody should be woken"
        );
    });
}

#[test]
fn a_finished_waiter_leaves_no_waker_behind() {
    within(LIMIT, || {
        let latch = Latch::new(1);
        let held = Arc::new(Held::default());
        let waker = Waker::from(held.clone());
        let mut cx = Context::from_waker(&waker);
        let mut wait = Box::pin(latch.wait());
        assert_eq!(wait.as_mut().poll(&mut cx), Poll::Pending, "the count is 1");
        latch.count_down();
        assert_eq!(
            held.wakes.load(Ordering::SeqCst),
            1,
            "the count reached zero: the waiter's waker must be woken once"
        );
        assert_eq!(
            wait.as_mut().poll(&mut cx),
            Poll::Ready(()),
            "the count is zero"
        );
        // Besides the test's own reference, `waker` holds one.
        let kept = clones(&held) - 1;
        assert_eq!(
            kept, 0,
            "the waiter returned Ready, yet {kept} clone(s) of its waker are still kept (by \
             the latch or the waiter): once the count is zero no waker is needed, release them"
        );
    });
}

#[test]
fn does_not_clone_a_waker_it_already_has() {
    within(LIMIT, || {
        let (waker, counts) = clone_counting_waker();
        let mut cx = Context::from_waker(&waker);
        let latch = Latch::new(1);
        let mut wait = pin!(latch.wait());
        for n in 1..=5 {
            assert_eq!(
                wait.as_mut().poll(&mut cx),
                Poll::Pending,
                "poll {n}: the count is 1, so the waiter must be Pending"
            );
        }
        let clones = counts.clones.load(Ordering::SeqCst);
        assert!(
            clones > 0,
            "5 Pending polls and the waker was never cloned: the latch must keep a clone of \
             the waker so that count_down can wake it later"
        );
        assert_eq!(
            clones, 1,
            "5 polls with the same waker cloned it {clones} times; one clone is enough. \
             Before cloning, ask whether the waker you keep would wake the same task"
        );
        latch.count_down();
        assert_eq!(
            counts.wakes.load(Ordering::SeqCst),
            1,
            "the count reached zero: the waker must be woken once"
        );
        assert_eq!(
            wait.as_mut().poll(&mut cx),
            Poll::Ready(()),
            "the count is zero"
        );
    });
}

#[test]
fn count_downs_from_many_threads_are_all_counted() {
    const THREADS: usize = 4;
    const EACH: usize = 2_000;
    within(LIMIT, || {
        let latch = Latch::new(THREADS * EACH);
        let mut driver = Driver::new("a waiter of Latch::new(8000)");
        let mut wait = pin!(latch.wait());
        assert_eq!(driver.poll(wait.as_mut()), Poll::Pending);
        let start = Barrier::new(THREADS);
        thread::scope(|s| {
            for _ in 0..THREADS {
                let (latch, start) = (latch.clone(), &start);
                s.spawn(move || {
                    start.wait();
                    for _ in 0..EACH {
                        latch.count_down();
                    }
                });
            }
        });
        assert_eq!(
            latch.count(),
            0,
            "{THREADS} threads each called count_down {EACH} times on a latch that started \
             at {}: the count should be zero, but count_downs at the same moment were lost. \
             Lower the count in one indivisible step",
            THREADS * EACH
        );
        assert_eq!(
            driver.wakes(),
            1,
            "the count reached zero once, while {THREADS} threads were counting down: the \
             waiter must be woken exactly once; it was woken {} times. Wake only in the \
             count_down that takes the count to zero, and decide \"this count_down reached \
             zero\" in the same step that lowers the count, or two of them may both decide so",
            driver.wakes()
        );
        assert_eq!(
            driver.poll(wait.as_mut()),
            Poll::Ready(()),
            "the count is zero"
        );
    });
}

/// The waker of an eager executor with another worker thread: waking it
/// polls the waiter at once, on that thread, and waits (briefly) for the
/// result, as a woken task may be polled before `wake` has even returned.
struct Eager {
    wait: Mutex<Pin<Box<Wait>>>,
    /// What each poll caused by a wake-up returned.
    seen: Mutex<Vec<Poll<()>>>,
}

impl Wake for Eager {
    fn wake(self: Arc<Self>) {
        let (done, finished) = mpsc::channel();
        let eager = self.clone();
        thread::spawn(move || {
            let mut wait = eager.wait.lock().unwrap();
            let poll = wait.as_mut().poll(&mut Context::from_waker(Waker::noop()));
            eager.seen.lock().unwrap().push(poll);
            let _ = done.send(());
        });
        // If count_down still holds a lock the poll needs, the poll
        // finishes after count_down returns; the test waits for it below.
        let _ = finished.recv_timeout(Duration::from_millis(200));
    }
}

#[test]
fn the_task_woken_at_zero_finds_the_waiter_ready() {
    within(LIMIT, || {
        let latch = Latch::new(1);
        let eager = Arc::new(Eager {
            wait: Mutex::new(Box::pin(latch.wait())),
            seen: Mutex::new(Vec::new()),
        });
        let waker = Waker::from(eager.clone());
        let first = eager
            .wait
            .lock()
            .unwrap()
            .as_mut()
            .poll(&mut Context::from_waker(&waker));
        assert_eq!(
            first,
            Poll::Pending,
            "the count is 1: the waiter must be Pending"
        );
        drop(waker);
        count_down_on_another_thread(&latch);
        // Wait for the poll that the wake-up caused, wherever it is.
        let deadline = Instant::now() + Duration::from_secs(2);
        while eager.seen.lock().unwrap().is_empty() && Instant::now() < deadline {
            thread::yield_now();
        }
        let seen = eager.seen.lock().unwrap().clone();
        assert!(
            !seen.is_empty(),
            "the waiter was polled (Pending), then the count reached zero on another thread, \
             but the waker of that poll was not woken within 2s"
        );
        let after = eager
            .wait
            .lock()
            .unwrap()
            .as_mut()
            .poll(&mut Context::from_waker(Waker::noop()));
        assert_eq!(
            after,
            Poll::Ready(()),
            "the waiter is still Pending when polled after the count reached zero: \
             `poll` must return Ready from then on"
        );
        assert_eq!(
            seen,
            [Poll::Ready(())],
            "the count reached zero and the waiter's waker was woken; the executor polled \
             the waiter at once, on another thread (expected: one poll, Ready). A woken task \
             may be polled before `wake` returns: if that poll does not see the count at \
             zero yet, it returns Pending and the wake-up is spent. Likely cause: count_down \
             wakes before the new count is visible to `poll`."
        );
    });
}

#[test]
fn wakes_a_sleeping_executor_from_another_thread() {
    within(LIMIT, || {
        let latch = Latch::new(2);
        let (polled, go) = mpsc::channel();
        let counting = {
            let latch = latch.clone();
            thread::spawn(move || {
                go.recv_timeout(LIMIT).expect("the waiter was never polled");
                latch.count_down();
                latch.count_down();
            })
        };
        // Tells the counting thread to go once the waiter has returned Pending.
        let mut wait = Box::pin(latch.wait());
        let future = poll_fn(move |cx| {
            let poll = wait.as_mut().poll(cx);
            if poll.is_pending() {
                let _ = polled.send(());
            }
            poll
        });
        let mut driver = Driver::new("a waiter counted down by another thread");
        driver.run_blocking(future, Duration::from_secs(2), Limits::default());
        counting.join().expect("the counting thread panicked");
        assert_eq!(driver.polls(), 2, "Pending, then Ready once woken");
        assert_eq!(driver.wakes(), 1, "one count reached zero, one wake-up");
    });
}

// A multi-threaded tokio runtime: 100 tasks wait while 4 threads count down.
#[test]
fn works_on_a_multi_threaded_tokio_runtime() {
    const TASKS: usize = 100;
    const THREADS: usize = 4;
    let finished = within(LIMIT, || {
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_time()
            .build()
            .expect("build a tokio runtime");
        runtime.block_on(async {
            let latch = Latch::new(THREADS * 10);
            let tasks: Vec<_> = (0..TASKS).map(|_| tokio::spawn(latch.wait())).collect();
            let counting: Vec<_> = (0..THREADS)
                .map(|_| {
                    let latch = latch.clone();
                    thread::spawn(move || (0..10).for_each(|_| latch.count_down()))
                })
                .collect();
            let all = futures::future::try_join_all(tasks);
            let finished = tokio::time::timeout(Duration::from_secs(2), all).await;
            for thread in counting {
                thread.join().expect("a counting thread panicked");
            }
            finished
        })
    });
    finished
        .expect("some of 100 tasks waiting on the latch were not woken within 2s")
        .expect("a waiting task panicked");
}

/// A waker that counts how often it is cloned and woken. Clones share the
/// same data pointer, so `will_wake` says they wake the same task.
struct Counts {
    clones: AtomicUsize,
    wakes: AtomicUsize,
}

fn clone_counting_waker() -> (Waker, Arc<Counts>) {
    let counts = Arc::new(Counts {
        clones: AtomicUsize::new(0),
        wakes: AtomicUsize::new(0),
    });
    let data = Arc::into_raw(counts.clone()).cast::<()>();
    // SAFETY: `data` comes from `Arc::into_raw` and owns one strong count,
    // which the vtable functions below manage.
    let waker = unsafe { Waker::from_raw(RawWaker::new(data, &VTABLE)) };
    (waker, counts)
}

static VTABLE: RawWakerVTable = RawWakerVTable::new(clone, wake, wake_by_ref, drop_waker);

unsafe fn clone(data: *const ()) -> RawWaker {
    // SAFETY: `data` is a live `Arc<Counts>` pointer; the clone owns a new count.
    unsafe {
        Arc::increment_strong_count(data.cast::<Counts>());
        (*data.cast::<Counts>())
            .clones
            .fetch_add(1, Ordering::SeqCst);
    }
    RawWaker::new(data, &VTABLE)
}

unsafe fn wake(data: *const ()) {
    // SAFETY: same pointer; waking by value consumes this waker's count.
    unsafe {
        wake_by_ref(data);
        drop_waker(data);
    }
}

unsafe fn wake_by_ref(data: *const ()) {
    // SAFETY: `data` is a live `Arc<Counts>` pointer.
    unsafe {
        (*data.cast::<Counts>())
            .wakes
            .fetch_add(1, Ordering::SeqCst)
    };
}

unsafe fn drop_waker(data: *const ()) {
    // SAFETY: gives back the count this waker owned.
    unsafe { Arc::decrement_strong_count(data.cast::<Counts>()) };
}

#[test]
fn keeps_no_waker_once_the_count_is_zero() {
    within(LIMIT, || {
        let latch = Latch::new(1);
        let held = Arc::new(Held::default());
        let mut waiters = [Box::pin(latch.wait()), Box::pin(latch.wait())];
        {
            let waker = Waker::from(held.clone());
            for waiter in &mut waiters {
                assert_eq!(
                    waiter.as_mut().poll(&mut Context::from_waker(&waker)),
                    Poll::Pending,
                    "the count is 1, so a waiter must be Pending"
                );
            }
        }
        latch.count_down();
        assert_eq!(
            held.wakes.load(Ordering::SeqCst),
            2,
            "the count reached zero: both Pending waiters must be woken once"
        );
        let kept = clones(&held);
        assert_eq!(
            kept, 0,
            "the count reached zero and both waiters were woken, but the latch (its \
             waiters not polled or dropped yet) still keeps {kept} clone(s) of their \
             wakers. Once the count is zero no waker will ever be woken again: keeping \
             them holds the tasks' memory for nothing. Likely cause: `count_down` wakes \
             the wakers by reference and leaves them in the latch; take them all out, \
             then wake each one"
        );
        drop(waiters);
    });
}

#[test]
fn count_down_wakes_after_releasing_the_lock() {
    within(LIMIT, || {
        let latch = Latch::new(1);
        let waiter = Arc::new(Mutex::new(Box::pin(latch.wait())));
        let polls = Arc::new(PollsOnWake {
            waiter: waiter.clone(),
            seen: Mutex::new(None),
        });
        let task = Waker::from(polls.clone());
        assert_eq!(
            waiter
                .lock()
                .unwrap()
                .as_mut()
                .poll(&mut Context::from_waker(&task)),
            Poll::Pending,
            "the count is 1, so the waiter must be Pending"
        );
        drop(task);
        latch.count_down();
        let seen = polls.seen.lock().unwrap().take();
        assert_eq!(
            seen,
            Some(Some(Poll::Ready(()))),
            "the waker's `wake` polled the waiter at once on another thread, as an \
             executor may (None: `wake` was not called during `count_down`; Some(None): \
             that poll was still blocked 1s later). Likely cause of a blocked poll: \
             `count_down` wakes the wakers while it still holds the lock, so the woken \
             task's poll waits for a lock that is only released after every `wake` \
             returned. Take the wakers out under the lock, release it, then wake them"
        );
    });
}

/// A waker whose `wake` polls the waiter at once on another thread, the way
/// a multi-threaded executor may, and records what that poll returned
/// (`None` if it was still blocked after a second).
struct PollsOnWake {
    waiter: Arc<Mutex<Pin<Box<Wait>>>>,
    seen: Mutex<Option<Option<Poll<()>>>>,
}

impl Wake for PollsOnWake {
    fn wake(self: Arc<Self>) {
        let waiter = self.waiter.clone();
        let (sent, result) = mpsc::channel();
        thread::spawn(move || {
            let mut waiter = waiter.lock().unwrap();
            let _ = sent.send(
                waiter
                    .as_mut()
                    .poll(&mut Context::from_waker(Waker::noop())),
            );
        });
        *self.seen.lock().unwrap() = Some(result.recv_timeout(Duration::from_secs(1)).ok());
    }
}
