use std::pin::Pin;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering::SeqCst};
use std::task::{Context, Poll};
use std::time::Duration;

use notify_latch::Latch;
use tokio::task::JoinHandle;
use tokio::time::{Instant, sleep, timeout};
use workbook_support::{Driver, on_paused_tokio, within};

const LIMIT: Duration = Duration::from_secs(5);

/// A future that counts how often it is polled.
struct Counted<F> {
    inner: Pin<Box<F>>,
    polls: Arc<AtomicUsize>,
}

impl<F: Future> Future for Counted<F> {
    type Output = F::Output;
    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<F::Output> {
        self.polls.fetch_add(1, SeqCst);
        self.inner.as_mut().poll(cx)
    }
}

/// A task waiting at the latch: its handle gives the (paused) time at
/// which `wait` returned; `polls` counts how often `wait` was polled.
struct Waiter {
    task: JoinHandle<Instant>,
    polls: Arc<AtomicUsize>,
}

fn spawn_waiter(latch: &Arc<Latch>) -> Waiter {
    let latch = latch.clone();
    let polls = Arc::new(AtomicUsize::new(0));
    let counted = Counted {
        inner: Box::pin(async move { latch.wait().await }),
        polls: polls.clone(),
    };
    let task = tokio::spawn(async move {
        counted.await;
        Instant::now()
    });
    Waiter { task, polls }
}

impl Waiter {
    fn polls(&self) -> usize {
        self.polls.load(SeqCst)
    }

    /// When `wait` returned; fails if it does not return.
    async fn returned(self, what: &str) -> Instant {
        match timeout(Duration::from_secs(3600), self.task).await {
            Ok(Ok(at)) => at,
            Ok(Err(error)) => panic!("{what}: the waiting task failed: {error}"),
            Err(_) => panic!(
                "{what}: `wait` had not returned an hour (of paused time) after the latch was \
                 opened. Likely causes: `open` wakes only one waiter (`notify_one` wakes one \
                 task, or stores one permit), or this waiter was not registered when `open` \
                 woke the others and nothing tells it, when it looks, that the latch is open."
            ),
        }
    }
}

/// Lets every task run until all of them wait: on paused time, this
/// sleep ends only once the runtime has nothing else to do.
async fn settle() {
    sleep(Duration::from_secs(10)).await;
}

#[test]
fn a_waiter_returns_when_the_latch_opens() {
    on_paused_tokio(LIMIT, || async {
        let latch = Arc::new(Latch::new());
        assert!(!latch.is_open(), "a new latch is closed");
        let waiter = spawn_waiter(&latch);
        for _ in 0..100 {
            tokio::task::yield_now().await;
        }
        let polls = waiter.polls();
        assert!(
            polls <= 1,
            "while the latch stayed closed and no time passed, `wait` was polled {polls} times: \
             it wakes its own task again and again (a loop with a yield). A waiter should be \
             polled once, return Pending, and be woken only by `open`."
        );
        settle().await;
        assert!(
            !waiter.task.is_finished(),
            "`wait` on a closed latch returned before anyone opened it: it must wait for `open`"
        );
        let opened_at = Instant::now();
        latch.open();
        assert!(latch.is_open(), "after `open`, is_open() is true");
        let returned_at = waiter.returned("one waiter, then `open`").await;
        assert_eq!(
            returned_at - opened_at,
            Duration::ZERO,
            "`wait` returned {:?} (of paused time) after `open`: it should return as soon as \
             the latch opens. Likely cause: a waiter that checks the latch now and then (a \
             loop with a sleep) instead of being woken by `open`.",
            returned_at - opened_at
        );
    });
}

#[test]
fn a_wait_that_starts_after_open_returns_at_once() {
    on_paused_tokio(LIMIT, || async {
        let latch = Latch::new();
        latch.open();
        let start = Instant::now();
        let waited = timeout(Duration::from_secs(3600), latch.wait()).await;
        assert!(
            waited.is_ok(),
            "the latch was opened, then `wait` was called, and it waited an hour (of paused \
             time) without returning. A wake-up sent before anyone waits is gone: \
             `notify_waiters` wakes only the waiters that exist when it is called, and stores \
             nothing for later ones. The latch must remember that it is open, and `wait` must \
             look before it waits."
        );
        assert_eq!(
            start.elapsed(),
            Duration::ZERO,
            "on an open latch, `wait` returns at once"
        );
        latch.open();
        timeout(Duration::from_secs(3600), latch.wait())
            .await
            .expect("opening an open latch changes nothing: `wait` still returns at once");
    });
}

#[test]
fn many_waits_after_open_all_return() {
    on_paused_tokio(LIMIT, || async {
        let latch = Latch::new();
        latch.open();
        for n in 1..=3 {
            let waited = timeout(Duration::from_secs(3600), latch.wait()).await;
            assert!(
                waited.is_ok(),
                "the latch was opened, then `wait` was called 3 times, one after the other, \
                 and wait number {n} did not return within an hour (of paused time). A stored \
                 `notify_one` permit lets exactly one later waiter through and is then used \
                 up; an open latch must let every waiter through, for good."
            );
        }
    });
}

#[test]
fn every_waiter_returns_when_the_latch_opens() {
    on_paused_tokio(LIMIT, || async {
        let latch = Arc::new(Latch::new());
        let waiters: Vec<_> = (0..5).map(|_| spawn_waiter(&latch)).collect();
        settle().await;
        let opened_at = Instant::now();
        latch.open();
        for (n, waiter) in waiters.into_iter().enumerate() {
            let what = format!("5 tasks waiting, then `open`: waiter {n}");
            let returned_at = waiter.returned(&what).await;
            assert_eq!(
                returned_at - opened_at,
                Duration::ZERO,
                "{what} returned {:?} (of paused time) after `open`: every waiter should \
                 return as soon as the latch opens",
                returned_at - opened_at
            );
        }
    });
}

#[test]
fn open_wakes_every_waiting_task_itself() {
    within(LIMIT, || {
        let latch = Latch::new();
        let mut waits: Vec<_> = (0..3).map(|_| Box::pin(latch.wait())).collect();
        let mut drivers: Vec<_> = (1..=3)
            .map(|n| Driver::new(&format!("wait number {n}")))
            .collect();
        for (n, (wait, driver)) in waits.iter_mut().zip(&mut drivers).enumerate() {
            assert!(
                driver.poll(wait.as_mut()).is_pending(),
                "wait number {} on a closed latch returned on its first poll: it must wait \
                 for `open`",
                n + 1
            );
        }
        let woken: Vec<usize> = drivers.iter().map(Driver::wakes).collect();
        assert_eq!(
            woken,
            [0, 0, 0],
            "three `wait`s on a closed latch, each polled once: their tasks were woken {woken:?} \
             times while nobody opened the latch. A waiter should be woken only by `open`, not \
             wake its own task to look again."
        );
        latch.open();
        let woken: Vec<usize> = drivers.iter().map(Driver::wakes).collect();
        assert_eq!(
            woken,
            [1, 1, 1],
            "three tasks were waiting in `wait`, then `open` was called, and before any of \
             them was polled again their tasks had been woken {woken:?} times: `open` itself \
             must wake every waiting task, once. Likely cause: `open` wakes one waiter and each \
             woken waiter passes the wake-up on to the next when it runs. Then the waiters \
             return one after another instead of together, and one whose task is slow to be \
             polled holds up all the others."
        );
        for (n, (wait, driver)) in waits.iter_mut().zip(&mut drivers).enumerate() {
            assert!(
                driver.poll(wait.as_mut()).is_ready(),
                "wait number {} was woken by `open` and polled again, and it returned Pending: \
                 once the latch is open, `wait` returns",
                n + 1
            );
        }
    });
}

#[test]
fn a_waiting_task_is_not_polled_until_the_latch_opens() {
    on_paused_tokio(LIMIT, || async {
        let latch = Arc::new(Latch::new());
        let waiter = spawn_waiter(&latch);
        for _ in 0..100 {
            tokio::task::yield_now().await;
        }
        let polls = waiter.polls();
        assert!(
            polls <= 1,
            "while the latch stayed closed and no time passed, `wait` was polled {polls} times: \
             it wakes its own task again and again (a loop with a yield, or a sleep). A waiter \
             should be polled once, return Pending, and be woken only by `open`."
        );
        settle().await;
        let polls = waiter.polls();
        assert!(
            polls <= 1,
            "while the latch stayed closed for 10 s (of paused time), `wait` was polled {polls} \
             times: it checks the latch now and then (a loop with a sleep) instead of waiting \
             to be woken by `open`."
        );
        latch.open();
        waiter.returned("one waiter, then `open`").await;
    });
}

#[test]
fn a_dropped_wait_takes_nothing_from_the_others() {
    on_paused_tokio(LIMIT, || async {
        let latch = Arc::new(Latch::new());
        let first = spawn_waiter(&latch);
        let gave_up = spawn_waiter(&latch);
        let last = spawn_waiter(&latch);
        settle().await;
        gave_up.task.abort();
        settle().await;
        latch.open();
        first
            .returned("3 waiters, one of them dropped, then `open`: the first")
            .await;
        last.returned("3 waiters, one of them dropped, then `open`: the last")
            .await;
    });
}

#[test]
fn open_on_another_thread_wakes_waiters_on_a_multi_thread_runtime() {
    within(LIMIT, || {
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(3)
            .enable_time()
            .build()
            .expect("build a multi-thread runtime");
        for _ in 0..50 {
            let latch = Arc::new(Latch::new());
            let waiters: Vec<_> = (0..4)
                .map(|_| {
                    let latch = latch.clone();
                    runtime.spawn(async move { latch.wait().await })
                })
                .collect();
            let opener = latch.clone();
            std::thread::spawn(move || opener.open())
                .join()
                .expect("open panicked");
            runtime.block_on(async {
                for (n, waiter) in waiters.into_iter().enumerate() {
                    // Real time: this runtime's clock is not paused.
                    match tokio::time::timeout(Duration::from_secs(2), waiter).await {
                        Ok(joined) => joined.expect("a waiting task panicked"),
                        Err(_) => panic!(
                            "4 tasks started to wait on a multi-thread runtime while another \
                             thread opened the latch, and waiter {n} had not returned 2 s (of \
                             real time) later: its wake-up was lost. Likely causes: `open` \
                             wakes the waiters before it marks the latch open, so a waiter \
                             that starts waiting in between finds it closed and misses the \
                             wake-up; or `wait` looks at the latch before it starts listening, and \
                             `open` came in between. Mark first, then wake; listen first, \
                             then look."
                        ),
                    }
                }
            });
        }
    });
}
