use std::future::{Future, poll_fn};
use std::pin::{Pin, pin};
use std::sync::{Arc, Mutex, mpsc};
use std::task::{Context, Poll, Wake, Waker};
use std::thread;
use std::time::Duration;
use std::time::Instant;

use signal::{Notifier, Waiter};
use workbook_support::{Driver, Limits, within};

const LIMIT: Duration = Duration::from_secs(5);

/// Fires the signal on a thread of its own and waits until it has fired.
fn fire_from_another_thread(notifier: &Notifier) {
    let notifier = notifier.clone();
    thread::spawn(move || notifier.fire())
        .join()
        .expect("Notifier::fire panicked");
}

#[test]
fn ready_if_fired_before_the_first_poll() {
    within(LIMIT, || {
        let mut driver = Driver::new("Waiter");
        let (notifier, waiter) = signal::new();
        fire_from_another_thread(&notifier);
        assert_eq!(
            driver.poll(pin!(waiter)),
            Poll::Ready(()),
            "a signal fired before the first poll must be Ready on that poll"
        );
        assert_eq!(driver.wakes(), 0, "a Ready future needs no wake-up");
    });
}

#[test]
fn pending_until_fired_without_busy_waking() {
    within(LIMIT, || {
        let mut driver = Driver::new("Waiter");
        let (notifier, waiter) = signal::new();
        let mut waiter = pin!(waiter);
        for n in 1..=5 {
            assert_eq!(
                driver.poll(waiter.as_mut()),
                Poll::Pending,
                "poll {n}: the signal has not been fired, so the waiter must be Pending"
            );
        }
        assert_eq!(
            driver.wakes(),
            0,
            "the waiter woke its waker {} times in 5 polls before the signal was fired: \
             that is busy waking. Only `fire` should wake it.",
            driver.wakes()
        );
        fire_from_another_thread(&notifier);
        assert_eq!(
            driver.wakes(),
            1,
            "`fire` should wake the registered waker exactly once; it was woken {} times",
            driver.wakes()
        );
        assert_eq!(
            driver.poll(waiter.as_mut()),
            Poll::Ready(()),
            "after `fire` the waiter must be Ready"
        );
    });
}

#[test]
fn wakes_the_waker_from_the_latest_poll() {
    within(LIMIT, || {
        let mut first = Driver::new("Waiter in the first task");
        let mut second = Driver::new("Waiter in the second task");
        let (notifier, waiter) = signal::new();
        let mut waiter = pin!(waiter);
        for (poll, driver) in [(1, &mut first), (2, &mut second)] {
            assert_eq!(
                driver.poll(waiter.as_mut()),
                Poll::Pending,
                "poll {poll}: the signal has not been fired, so the waiter must be Pending"
            );
        }
        fire_from_another_thread(&notifier);
        assert_eq!(
            (first.wakes(), second.wakes()),
            (0, 1),
            "(wakes of the waker from poll 1, wakes of the waker from poll 2): only the \
             waker from the latest poll may be woken; register the waker on every poll"
        );
    });
}

#[test]
fn firing_twice_is_harmless() {
    within(LIMIT, || {
        let mut driver = Driver::new("Waiter");
        let (notifier, waiter) = signal::new();
        let mut waiter = pin!(waiter);
        assert_eq!(driver.poll(waiter.as_mut()), Poll::Pending);
        notifier.fire();
        notifier.fire();
        assert_eq!(
            driver.poll(waiter.as_mut()),
            Poll::Ready(()),
            "after `fire` the waiter must be Ready"
        );
    });
}

#[test]
fn wakes_a_sleeping_executor_from_another_thread() {
    within(LIMIT, || {
        let (notifier, waiter) = signal::new();
        let (polled, go) = mpsc::channel();
        let firing = thread::spawn(move || {
            go.recv_timeout(LIMIT).expect("the waiter was never polled");
            notifier.fire();
        });
        // Tells the firing thread to go once the waiter has returned Pending.
        let mut waiter = Box::pin(waiter);
        let future = poll_fn(move |cx| {
            let poll = waiter.as_mut().poll(cx);
            if poll.is_pending() {
                let _ = polled.send(());
            }
            poll
        });
        let mut driver = Driver::new("Waiter fired by another thread");
        driver.run_blocking(future, Duration::from_secs(2), Limits::default());
        firing.join().expect("the firing thread panicked");
        assert_eq!(driver.polls(), 2, "Pending, then Ready once woken");
    });
}

/// The waker of an eager executor with another worker thread: waking it
/// polls the waiter at once, on that thread, and waits (briefly) for the
/// result, as a woken task may be polled before `wake` has even returned.
struct Eager {
    waiter: Mutex<Waiter>,
    /// What each poll caused by a wake-up returned.
    seen: Mutex<Vec<Poll<()>>>,
}

impl Wake for Eager {
    fn wake(self: Arc<Self>) {
        let (done, finished) = mpsc::channel();
        let eager = self.clone();
        thread::spawn(move || {
            let mut waiter = eager.waiter.lock().unwrap();
            let poll = Pin::new(&mut *waiter).poll(&mut Context::from_waker(Waker::noop()));
            eager.seen.lock().unwrap().push(poll);
            let _ = done.send(());
        });
        let _ = finished.recv_timeout(Duration::from_millis(200));
    }
}

#[test]
fn the_task_woken_by_fire_finds_the_signal_fired() {
    within(LIMIT, || {
        let (notifier, waiter) = signal::new();
        let eager = Arc::new(Eager {
            waiter: Mutex::new(waiter),
            seen: Mutex::new(Vec::new()),
        });
        let waker = Waker::from(eager.clone());
        let first =
            Pin::new(&mut *eager.waiter.lock().unwrap()).poll(&mut Context::from_waker(&waker));
        assert_eq!(
            first,
            Poll::Pending,
            "a signal that has not been fired must be Pending"
        );
        fire_from_another_thread(&notifier);
        // Wait for the poll that the wake-up caused, wherever it is.
        let deadline = Instant::now() + Duration::from_secs(2);
        while eager.seen.lock().unwrap().is_empty() && Instant::now() < deadline {
            thread::yield_now();
        }
        let seen = eager.seen.lock().unwrap().clone();
        assert!(
            !seen.is_empty(),
            "the waiter was polled (Pending) and then fired from another thread, but `fire` \
             did not wake the waker of that poll within 2s"
        );
        let after = Pin::new(&mut *eager.waiter.lock().unwrap())
            .poll(&mut Context::from_waker(Waker::noop()));
        assert_eq!(
            after,
            Poll::Ready(()),
            "the waiter is still Pending when polled after the signal was fired: \
             `poll` must return Ready from then on"
        );
        assert_eq!(
            seen,
            [Poll::Ready(())],
            "`fire` woke the waker, and the executor polled the waiter at once, on another \
             thread (expected: one poll, Ready). A woken task may be polled before `wake` \
             returns: if that poll does not see the signal fired yet, it returns Pending, \
             and the wake-up is spent. Likely cause: `fire` wakes before it sets the flag."
        );
    });
}

// A multi-threaded tokio runtime: the waiting task and the firing thread
// really run at the same time.
#[test]
fn works_on_a_multi_threaded_tokio_runtime() {
    let finished = within(LIMIT, || {
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_time()
            .build()
            .expect("build a tokio runtime");
        runtime.block_on(async {
            let mut tasks = Vec::new();
            let mut notifiers = Vec::new();
            for _ in 0..100 {
                let (notifier, waiter) = signal::new();
                tasks.push(tokio::spawn(waiter));
                notifiers.push(notifier);
            }
            let firing = thread::spawn(move || notifiers.iter().for_each(Notifier::fire));
            let all = futures::future::try_join_all(tasks);
            let finished = tokio::time::timeout(Duration::from_secs(2), all).await;
            firing.join().expect("the firing thread panicked");
            finished
        })
    });
    finished
        .expect("some of 100 tasks waiting for a signal were not woken within 2s of `fire`")
        .expect("a waiting task panicked");
}
