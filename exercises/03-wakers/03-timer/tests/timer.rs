use std::future::{Future, poll_fn};
use std::pin::Pin;
use std::pin::pin;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, mpsc};
use std::task::{Context, Poll, RawWaker, RawWakerVTable, Wake, Waker};
use std::thread;
use std::time::{Duration, Instant};

use timer::{Delay, Trigger};
use workbook_support::{Driver, Limits, within};

const LIMIT: Duration = Duration::from_secs(5);

/// Fires `trigger` on a thread of its own and waits until it has fired.
fn fire_from_another_thread(trigger: Trigger) {
    thread::spawn(move || trigger.fire())
        .join()
        .expect("Trigger::fire panicked");
}

#[test]
fn ready_once_fired() {
    within(LIMIT, || {
        let mut driver = Driver::new("Delay");
        let (delay, trigger) = Delay::until_fired();
        let mut delay = pin!(delay);
        assert_eq!(
            driver.poll(delay.as_mut()),
            Poll::Pending,
            "a Delay that has not been fired must be Pending"
        );
        fire_from_another_thread(trigger);
        assert_eq!(
            driver.poll(delay.as_mut()),
            Poll::Ready(()),
            "a fired Delay must be Ready when polled: `fire` should set `done`, \
             and `poll` should check it first"
        );
    });
}

#[test]
fn ready_if_fired_before_the_first_poll() {
    within(LIMIT, || {
        let mut driver = Driver::new("Delay");
        let (delay, trigger) = Delay::until_fired();
        fire_from_another_thread(trigger);
        assert_eq!(
            driver.poll(pin!(delay)),
            Poll::Ready(()),
            "a Delay fired before its first poll must be Ready on that poll"
        );
        assert_eq!(driver.wakes(), 0, "a Delay that is Ready needs no wake-up");
    });
}

#[test]
fn wakes_once_when_fired_and_never_before() {
    within(LIMIT, || {
        let mut driver = Driver::new("Delay");
        let (delay, trigger) = Delay::until_fired();
        let mut delay = pin!(delay);
        for n in 1..=5 {
            assert_eq!(
                driver.poll(delay.as_mut()),
                Poll::Pending,
                "poll {n}: the Delay has not been fired, so it must be Pending"
            );
        }
        assert_eq!(
            driver.wakes(),
            0,
            "the Delay woke its waker {} times in 5 polls before it was fired: that is \
             busy waking, the executor polls it for nothing. Only `fire` should wake.",
            driver.wakes()
        );
        fire_from_another_thread(trigger);
        assert_eq!(
            driver.wakes(),
            1,
            "`fire` should wake the waker from the latest poll exactly once; it was woken {} times",
            driver.wakes()
        );
        assert_eq!(
            driver.poll(delay.as_mut()),
            Poll::Ready(()),
            "after `fire` the Delay must be Ready"
        );
    });
}

#[test]
fn wakes_the_waker_from_the_latest_poll() {
    within(LIMIT, || {
        // Two tasks: the Delay is polled by the first, then moves to the second.
        let mut first = Driver::new("Delay in the first task");
        let mut second = Driver::new("Delay in the second task");
        let (delay, trigger) = Delay::until_fired();
        let mut delay = pin!(delay);
        for (poll, driver) in [(1, &mut first), (2, &mut second)] {
            assert_eq!(
                driver.poll(delay.as_mut()),
                Poll::Pending,
                "poll {poll}: the Delay has not been fired, so it must be Pending"
            );
        }
        fire_from_another_thread(trigger);
        assert_eq!(
            first.wakes(),
            0,
            "`fire` woke the stale waker from poll 1. Poll 2 came with a different waker \
             (the Delay moved to another task): replace the stored waker with the new one"
        );
        assert_eq!(
            second.wakes(),
            1,
            "`fire` did not wake the waker from the latest poll, so the task that owns \
             the Delay now would never be polled again"
        );
        assert_eq!(
            second.poll(delay.as_mut()),
            Poll::Ready(()),
            "after `fire` the Delay must be Ready"
        );
    });
}

#[test]
fn a_spurious_poll_is_still_pending() {
    within(LIMIT, || {
        let mut driver = Driver::new("Delay");
        let (delay, trigger) = Delay::until_fired();
        let mut delay = pin!(delay);
        assert_eq!(driver.poll(delay.as_mut()), Poll::Pending);
        // Executors may poll without a wake-up, and anything may wake the task.
        driver.waker().wake_by_ref();
        for n in 2..=3 {
            assert_eq!(
                driver.poll(delay.as_mut()),
                Poll::Pending,
                "poll {n} came before `fire`: a future may be polled (and woken) when its \
                 event has not happened, so `poll` must check `done` every time, not assume \
                 that being polled again means it was fired"
            );
        }
        fire_from_another_thread(trigger);
        assert_eq!(
            driver.poll(delay.as_mut()),
            Poll::Ready(()),
            "after `fire` the Delay must be Ready"
        );
    });
}

#[test]
fn does_not_clone_a_waker_it_already_has() {
    within(LIMIT, || {
        let (waker, counts) = clone_counting_waker();
        let mut cx = Context::from_waker(&waker);
        let (delay, trigger) = Delay::until_fired();
        let mut delay = pin!(delay);
        for n in 1..=5 {
            assert_eq!(
                delay.as_mut().poll(&mut cx),
                Poll::Pending,
                "poll {n}: the Delay has not been fired, so it must be Pending"
            );
        }
        let clones = counts.clones.load(Ordering::SeqCst);
        assert!(
            clones > 0,
            "5 Pending polls and the waker was never cloned: `poll` must keep a clone \
             of `cx.waker()` so that `fire` can wake it later"
        );
        assert_eq!(
            clones, 1,
            "5 polls with the same waker cloned it {clones} times; one clone is enough. \
             Before cloning, ask the stored waker `will_wake(cx.waker())`: if it would wake \
             the same task, keep it"
        );
        fire_from_another_thread(trigger);
        assert_eq!(
            counts.wakes.load(Ordering::SeqCst),
            1,
            "`fire` should wake the stored waker once"
        );
        assert_eq!(
            delay.as_mut().poll(&mut cx),
            Poll::Ready(()),
            "after `fire` the Delay must be Ready"
        );
    });
}

#[test]
fn wakes_a_sleeping_executor_from_another_thread() {
    within(LIMIT, || {
        let (delay, trigger) = Delay::until_fired();
        let (polled, go) = mpsc::channel();
        let firing = thread::spawn(move || {
            go.recv_timeout(LIMIT).expect("the Delay was never polled");
            trigger.fire();
        });
        // Tells the firing thread to go once the Delay has returned Pending.
        let mut delay = Box::pin(delay);
        let future = poll_fn(move |cx| {
            let poll = delay.as_mut().poll(cx);
            if poll.is_pending() {
                let _ = polled.send(());
            }
            poll
        });
        let mut driver = Driver::new("Delay fired by another thread");
        driver.run_blocking(future, Duration::from_secs(2), Limits::default());
        firing.join().expect("the firing thread panicked");
        assert_eq!(driver.polls(), 2, "Pending, then Ready once woken");
        assert_eq!(driver.wakes(), 1, "one `fire`, one wake-up");
    });
}

#[test]
fn completes_after_its_duration() {
    within(LIMIT, || {
        let start = Instant::now();
        let mut driver = Driver::new("Delay::after(20ms)");
        driver.run_blocking(
            Delay::after(Duration::from_millis(20)),
            Duration::from_secs(2),
            Limits::default(),
        );
        assert!(
            start.elapsed() >= Duration::from_millis(20),
            "Delay::after(20ms) finished after only {:?}",
            start.elapsed()
        );
    });
}

/// The waker of an eager executor with another worker thread: waking it
/// polls the delay at once, on that thread, and waits (briefly) for the
/// result, as a woken task may be polled before `wake` has even returned.
struct Eager {
    delay: Mutex<Pin<Box<Delay>>>,
    /// What each poll caused by a wake-up returned.
    seen: Mutex<Vec<Poll<()>>>,
}

impl Wake for Eager {
    fn wake(self: Arc<Self>) {
        let (done, finished) = mpsc::channel();
        let eager = self.clone();
        thread::spawn(move || {
            let mut delay = eager.delay.lock().unwrap();
            let poll = delay.as_mut().poll(&mut Context::from_waker(Waker::noop()));
            eager.seen.lock().unwrap().push(poll);
            let _ = done.send(());
        });
        // If `fire` still holds a lock the poll needs, the poll finishes
        // after `fire` returns; the test joins it below.
        let _ = finished.recv_timeout(Duration::from_millis(200));
    }
}

#[test]
fn the_task_woken_by_fire_finds_the_delay_ready() {
    within(LIMIT, || {
        let (delay, trigger) = Delay::until_fired();
        let eager = Arc::new(Eager {
            delay: Mutex::new(Box::pin(delay)),
            seen: Mutex::new(Vec::new()),
        });
        let waker = Waker::from(eager.clone());
        let first = eager
            .delay
            .lock()
            .unwrap()
            .as_mut()
            .poll(&mut Context::from_waker(&waker));
        assert_eq!(
            first,
            Poll::Pending,
            "a Delay that has not been fired must be Pending"
        );
        fire_from_another_thread(trigger);
        // Wait for the poll that the wake-up caused, wherever it is.
        let deadline = Instant::now() + Duration::from_secs(2);
        while eager.seen.lock().unwrap().is_empty() && Instant::now() < deadline {
            thread::yield_now();
        }
        let seen = eager.seen.lock().unwrap().clone();
        assert!(
            !seen.is_empty(),
            "the Delay was polled (Pending) and then fired from another thread, but `fire` \
             did not wake the waker of that poll within 2s"
        );
        let after = eager
            .delay
            .lock()
            .unwrap()
            .as_mut()
            .poll(&mut Context::from_waker(Waker::noop()));
        assert_eq!(
            after,
            Poll::Ready(()),
            "the Delay is still Pending when polled after the Delay was fired: \
             `poll` must return Ready from then on"
        );
        assert_eq!(
            seen,
            [Poll::Ready(())],
            "`fire` woke the waker, and the executor polled the Delay at once, on another \
             thread (expected: one poll, Ready). A woken task may be polled before `wake` \
             returns: if that poll finds the Delay not done yet, it returns Pending with a \
             new waker, and the wake-up is spent. Likely cause: `fire` wakes the waker \
             before it marks the delay done."
        );
    });
}

// On tokio: the main task polls the Delay once, then hands it to a new task.
// Only the new task's waker can get it polled again.
#[test]
fn moves_to_another_task_on_tokio() {
    let finished = within(LIMIT, || {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_time()
            .build()
            .expect("build a tokio runtime");
        runtime.block_on(async {
            let (mut delay, trigger) = Delay::until_fired();
            assert!(
                futures::poll!(&mut delay).is_pending(),
                "a Delay that has not been fired must be Pending"
            );
            let (polled, first_poll) = tokio::sync::oneshot::channel();
            let mut polled = Some(polled);
            let task = tokio::spawn(poll_fn(move |cx| {
                let poll = std::pin::Pin::new(&mut delay).poll(cx);
                if let Some(polled) = polled.take() {
                    let _ = polled.send(());
                }
                poll
            }));
            first_poll
                .await
                .expect("the new task never polled the Delay");
            fire_from_another_thread(trigger);
            tokio::time::timeout(Duration::from_secs(2), task).await
        })
    });
    finished
        .expect(
            "the task that owns the Delay was not woken within 2s of `fire`. The Delay was \
             polled by the main task, then by a spawned task: `fire` must wake the waker \
             from the latest poll (the spawned task's), not the first one",
        )
        .expect("the task panicked");
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
fn keeps_no_waker_once_fired() {
    within(LIMIT, || {
        let (waker, counts) = clone_counting_waker();
        let mut cx = Context::from_waker(&waker);
        let (delay, trigger) = Delay::until_fired();
        let mut delay = pin!(delay);
        assert_eq!(
            delay.as_mut().poll(&mut cx),
            Poll::Pending,
            "the Delay has not been fired, so it must be Pending"
        );
        fire_from_another_thread(trigger);
        // One count is `counts` here, one is `waker`: any other is a clone
        // that the Delay still keeps.
        let kept = Arc::strong_count(&counts) - 2;
        assert_eq!(
            kept, 0,
            "after `fire` returned, the Delay (not dropped yet) still keeps {kept} clone(s) \
             of the waker. A fired delay never wakes again, so the waker is dead weight \
             (and keeps the task's memory alive until the Delay is dropped). Likely cause: \
             `fire` clones the stored waker, or wakes it by reference, and leaves it in the \
             state: take it out instead, and wake the one you took"
        );
        drop(waker);
    });
}

#[test]
fn fire_wakes_after_releasing_the_lock() {
    within(LIMIT, || {
        let (delay, trigger) = Delay::until_fired();
        let slot = Arc::new(Mutex::new(delay));
        let waker = Arc::new(PollsOnWake {
            delay: slot.clone(),
            seen: Mutex::new(None),
        });
        let task = Waker::from(waker.clone());
        assert_eq!(
            Pin::new(&mut *slot.lock().unwrap()).poll(&mut Context::from_waker(&task)),
            Poll::Pending,
            "the Delay has not been fired, so it must be Pending"
        );
        drop(task);
        trigger.fire();
        let seen = waker.seen.lock().unwrap().take();
        assert_eq!(
            seen,
            Some(Some(Poll::Ready(()))),
            "the waker's `wake` polled the Delay at once on another thread, as an \
             executor may (None: `wake` was not called during `fire`; Some(None): that \
             poll was still blocked 1s later). Likely cause of a blocked poll: `fire` \
             wakes the waker while it still holds the lock on the state, so the woken \
             task's poll waits for a lock that is only released after `wake` returns. \
             Take the waker out under the lock, release the lock, then wake it"
        );
    });
}

/// A waker whose `wake` polls the Delay at once on another thread, the way
/// a multi-threaded executor may, and records what that poll returned
/// (`None` if it was still blocked after a second).
struct PollsOnWake {
    delay: Arc<Mutex<Delay>>,
    seen: Mutex<Option<Option<Poll<()>>>>,
}

impl Wake for PollsOnWake {
    fn wake(self: Arc<Self>) {
        let delay = self.delay.clone();
        let (sent, result) = mpsc::channel();
        thread::spawn(move || {
            let mut delay = delay.lock().unwrap();
            let _ = sent.send(Pin::new(&mut *delay).poll(&mut Context::from_waker(Waker::noop())));
        });
        *self.seen.lock().unwrap() = Some(result.recv_timeout(Duration::from_secs(1)).ok());
    }
}
