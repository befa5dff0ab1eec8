use std::future::Future;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering::SeqCst};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use holding_a_borrow::Limiter;
use tokio::sync::oneshot;
use tokio::task::JoinHandle;
use tokio::time::{Instant, sleep, timeout};
use workbook_support::on_paused_tokio;

const LIMIT: Duration = Duration::from_secs(5);
const HOUR: Duration = Duration::from_secs(3600);

/// Lets every task run until all of them wait: on paused time, this sleep
/// ends only once the runtime has nothing else to do.
async fn settle() {
    sleep(HOUR).await;
}

/// `limiter.spawn(job)`, which must return within an hour of paused time.
async fn started<T: Send + 'static>(
    limiter: &Limiter,
    job: impl Future<Output = T> + Send + 'static,
    what: &str,
) -> JoinHandle<T> {
    match timeout(HOUR, limiter.spawn(job)).await {
        Ok(handle) => handle,
        Err(_) => panic!(
            "{what}: `spawn` waited an hour (of paused time) and did not return, though a slot \
             was free. Does `spawn` wait for the job to finish? It must return as soon as the \
             job is started. Or is a slot never given back?"
        ),
    }
}

/// A job that waits until its sender is used (or dropped), then returns `value`.
fn gated<T: Send + 'static>(
    value: T,
    started: &Arc<AtomicUsize>,
) -> (
    oneshot::Sender<()>,
    impl Future<Output = T> + Send + 'static,
) {
    let (open, gate) = oneshot::channel::<()>();
    let started = started.clone();
    let job = async move {
        started.fetch_add(1, SeqCst);
        let _ = gate.await;
        value
    };
    (open, job)
}

#[test]
fn runs_a_job_and_hands_back_its_output() {
    on_paused_tokio(LIMIT, || async {
        let limiter = Limiter::new(2);
        let handle = started(
            &limiter,
            async { 6 * 7 },
            "Limiter::new(2).spawn(async { 6 * 7 })",
        )
        .await;
        let output = timeout(HOUR, handle).await;
        assert!(
            matches!(output, Ok(Ok(42))),
            "the handle returned by spawn should give the job's output, 42; it gave {output:?}"
        );
        settle().await;
        assert_eq!(
            limiter.running(),
            0,
            "once the only job has ended, running() is 0"
        );
    });
}

#[test]
fn never_runs_more_than_limit_jobs_at_once() {
    on_paused_tokio(LIMIT, || async {
        let limiter = Limiter::new(3);
        let now = Arc::new(AtomicUsize::new(0));
        let most = Arc::new(AtomicUsize::new(0));
        let start = Instant::now();
        let mut handles = Vec::new();
        for _ in 0..10 {
            let (now, most) = (now.clone(), most.clone());
            let job = async move {
                let running = now.fetch_add(1, SeqCst) + 1;
                most.fetch_max(running, SeqCst);
                sleep(Duration::from_millis(10)).await;
                now.fetch_sub(1, SeqCst);
            };
            handles.push(started(&limiter, job, "spawning 10 jobs of 10 ms, limit 3").await);
        }
        for handle in handles {
            handle.await.expect("the jobs do not panic");
        }
        let most = most.load(SeqCst);
        assert!(
            most <= 3,
            "Limiter::new(3) ran {most} jobs at once. A slot must stay taken for as long as its \
             job runs, not just while `spawn` runs: what holds the slot must go with the job \
             into its task. (An `async move` block takes only what its code uses: `let _ = x;` \
             uses nothing, so `x` stays behind and is dropped when `spawn` returns.)"
        );
        assert_eq!(
            most, 3,
            "Limiter::new(3) with 10 jobs to run should run 3 at once, not fewer"
        );
        let elapsed = start.elapsed();
        assert_eq!(
            elapsed,
            Duration::from_millis(40),
            "10 jobs of 10 ms, 3 at a time, take 40 ms (4 rounds); these took {elapsed:?}"
        );
    });
}

#[test]
fn spawn_waits_while_every_slot_is_taken() {
    on_paused_tokio(LIMIT, || async {
        let limiter = Limiter::new(2);
        let begun = Arc::new(AtomicUsize::new(0));
        let (open_a, a) = gated("a", &begun);
        let (_open_b, b) = gated("b", &begun);
        let _a = started(&limiter, a, "the first of two jobs, limit 2").await;
        let _b = started(&limiter, b, "the second of two jobs, limit 2").await;
        settle().await;
        assert_eq!(
            limiter.running(),
            2,
            "two jobs started and not ended: running() is 2"
        );

        let (_open_c, c) = gated("c", &begun);
        let mut third = Box::pin(limiter.spawn(c));
        let early = timeout(HOUR, &mut third).await;
        assert!(
            early.is_err(),
            "with Limiter::new(2) and 2 jobs running, a third `spawn` returned at once. It must \
             wait for a free slot: that is how the caller is held back. A task that waits for \
             its slot inside is still a task started for every call, and a caller that starts \
             jobs in a loop fills memory with them."
        );
        assert_eq!(
            begun.load(SeqCst),
            2,
            "the third job must not start while 2 run"
        );

        // One job ends: the third gets its slot.
        open_a.send(()).unwrap();
        let handle = timeout(HOUR, &mut third).await;
        assert!(
            handle.is_ok(),
            "the first job ended, so a slot was free, but the waiting `spawn` did not return \
             within an hour (of paused time). Is the slot given back when a job ends?"
        );
        settle().await;
        assert_eq!(
            begun.load(SeqCst),
            3,
            "the third job starts once a slot is free"
        );
        assert_eq!(limiter.running(), 2, "b and c are running: running() is 2");
    });
}

#[test]
fn spawn_returns_as_soon_as_the_job_has_started() {
    on_paused_tokio(LIMIT, || async {
        let limiter = Limiter::new(1);
        let begun = Arc::new(AtomicUsize::new(0));
        let (open, job) = gated(5, &begun);
        let handle = started(&limiter, job, "spawning a job that waits for a signal").await;
        settle().await;
        assert_eq!(begun.load(SeqCst), 1, "the job must have started by now");
        assert_eq!(limiter.running(), 1, "one job running: running() is 1");
        open.send(()).unwrap();
        assert_eq!(handle.await.unwrap(), 5);
        settle().await;
        assert_eq!(limiter.running(), 0, "the job ended: running() is 0");
    });
}

#[test]
fn a_panicking_job_gives_its_slot_back() {
    on_paused_tokio(LIMIT, || async {
        let limiter = Limiter::new(1);
        let handle = started(
            &limiter,
            async { panic!("a job that fails (this panic is part of the test)") },
            "spawning a job that panics",
        )
        .await;
        let joined = handle.await;
        assert!(
            joined.is_err(),
            "the handle of a panicking job gives a JoinError"
        );
        settle().await;
        assert_eq!(
            limiter.running(),
            0,
            "the only job panicked, and its slot was not given back: with Limiter::new(1), no \
             job would ever start again. Code after the job's `.await` never runs when the job \
             panics; what holds the slot must be given back by being dropped, which happens \
             however the task ends."
        );
        let next = started(&limiter, async { "next" }, "spawning after a job panicked").await;
        assert_eq!(next.await.unwrap(), "next");
    });
}

#[test]
fn an_aborted_job_gives_its_slot_back() {
    on_paused_tokio(LIMIT, || async {
        let limiter = Limiter::new(1);
        let begun = Arc::new(AtomicUsize::new(0));
        let (_open, job) = gated((), &begun);
        let handle = started(&limiter, job, "spawning a job that waits").await;
        settle().await;
        handle.abort();
        settle().await;
        assert_eq!(
            limiter.running(),
            0,
            "the only job was aborted through its handle, and its slot was not given back. An \
             aborted task's future is dropped where it stands: code after the job's `.await` \
             never runs. What holds the slot must be given back by being dropped with the task's \
             future."
        );
        let next = started(
            &limiter,
            async { "next" },
            "spawning after a job was aborted",
        )
        .await;
        assert_eq!(next.await.unwrap(), "next");
    });
}

#[test]
fn a_spawn_dropped_while_it_waits_starts_nothing() {
    on_paused_tokio(LIMIT, || async {
        let limiter = Limiter::new(1);
        let begun = Arc::new(AtomicUsize::new(0));
        let (open, first) = gated("first", &begun);
        let first = started(&limiter, first, "spawning the first job, limit 1").await;

        let ran = Arc::new(AtomicBool::new(false));
        let flag = ran.clone();
        let given_up = timeout(
            Duration::from_secs(1),
            limiter.spawn(async move {
                flag.store(true, SeqCst);
            }),
        )
        .await;
        assert!(
            given_up.is_err(),
            "with Limiter::new(1) and its only job running, a second `spawn` returned at once: \
             it must wait until the slot is free, and until then start nothing"
        );
        // That spawn future is dropped now: its caller gave up.

        open.send(()).unwrap();
        first.await.unwrap();
        settle().await;
        assert!(
            !ran.load(SeqCst),
            "a caller gave up on a `spawn` while it waited (its future was dropped), and the \
             job ran anyway once a slot was free: something was queued or spawned for it before \
             it had a slot. Start nothing until the slot is yours."
        );
        assert_eq!(limiter.running(), 0, "no job runs: running() is 0");
        let next = started(&limiter, async { 1 }, "spawning after a caller gave up").await;
        assert_eq!(next.await.unwrap(), 1);
    });
}

#[test]
fn waiting_callers_get_slots_in_the_order_they_came() {
    on_paused_tokio(LIMIT, || async {
        let limiter = Arc::new(Limiter::new(1));
        let begun = Arc::new(AtomicUsize::new(0));
        let (open, first) = gated((), &begun);
        let _first = started(&limiter, first, "spawning the first job, limit 1").await;

        // Five callers come one after the other and wait.
        let order = Arc::new(Mutex::new(Vec::new()));
        let mut callers = Vec::new();
        for caller in 0..5 {
            let (limiter, order) = (limiter.clone(), order.clone());
            callers.push(tokio::spawn(async move {
                let job = limiter.spawn(async move {
                    order.lock().unwrap().push(caller);
                    sleep(Duration::from_millis(1)).await;
                });
                job.await.await.unwrap();
            }));
            settle().await;
        }
        open.send(()).unwrap();
        for caller in callers {
            caller.await.unwrap();
        }
        let order = order.lock().unwrap().clone();
        assert_eq!(
            order,
            [0, 1, 2, 3, 4],
            "five callers began to wait in the order 0 to 4; their jobs ran in the order \
             {order:?}. Waiters must get slots first come, first served."
        );
    });
}

#[test]
fn works_on_a_multi_thread_runtime() {
    fn send_and_sync<T: Send + Sync>() {}
    send_and_sync::<Limiter>();
    workbook_support::within(LIMIT, || {
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .unwrap();
        runtime.block_on(async {
            let limiter = Arc::new(Limiter::new(4));
            let done = Arc::new(AtomicUsize::new(0));
            let mut callers = Vec::new();
            for _ in 0..8 {
                let (limiter, done) = (limiter.clone(), done.clone());
                // The spawn future itself runs in a task: it must be Send.
                callers.push(tokio::spawn(async move {
                    let handle = limiter
                        .spawn(async move {
                            tokio::task::yield_now().await;
                            done.fetch_add(1, SeqCst);
                        })
                        .await;
                    handle.await.unwrap();
                }));
            }
            for caller in callers {
                caller.await.unwrap();
            }
            assert_eq!(done.load(SeqCst), 8, "every job ran once");
            assert_eq!(limiter.running(), 0, "all jobs ended: running() is 0");
        });
    });
}
