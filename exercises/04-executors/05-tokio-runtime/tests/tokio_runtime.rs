use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering::SeqCst};
use std::sync::mpsc;
use std::thread::{self, ThreadId};
use std::time::{Duration, Instant};

use tokio::time::sleep;
use tokio_runtime::{
    Job, in_completion_order, off_the_runtime, run_in_parallel, run_on_this_thread,
};
use workbook_support::on_paused_tokio;

const LIMIT: Duration = Duration::from_secs(5);
/// How long a task blocks its thread, at most, waiting for another.
const WAIT: Duration = Duration::from_secs(2);

/// Runs `body` on a thread of its own; if it has not finished within
/// `LIMIT`, fails with `on_timeout`.
fn finishes<T: Send + 'static>(on_timeout: &str, body: impl FnOnce() -> T + Send + 'static) -> T {
    let (done, result) = mpsc::channel();
    thread::spawn(move || {
        let outcome = std::panic::catch_unwind(std::panic::AssertUnwindSafe(body));
        let _ = done.send(outcome);
    });
    match result.recv_timeout(LIMIT) {
        Ok(Ok(value)) => value,
        Ok(Err(panic)) => std::panic::resume_unwind(panic),
        Err(_) => panic!("the test did not finish within {LIMIT:?}. {on_timeout}"),
    }
}

/// Blocks this thread until `n` have arrived, or gives up after `WAIT`.
/// Returns whether all arrived, and the thread it ran on.
fn meet(arrived: &AtomicUsize, n: usize) -> (bool, ThreadId) {
    arrived.fetch_add(1, SeqCst);
    let deadline = Instant::now() + WAIT;
    while arrived.load(SeqCst) < n {
        if Instant::now() > deadline {
            return (false, thread::current().id());
        }
        thread::yield_now();
    }
    (true, thread::current().id())
}

#[test]
fn run_in_parallel_runs_both_at_the_same_time() {
    let ((a_met, a_thread), (b_met, b_thread)) =
        finishes("run_in_parallel did not return.", || {
            let arrived = Arc::new(AtomicUsize::new(0));
            let other = arrived.clone();
            run_in_parallel(
                async move { meet(&arrived, 2) },
                async move { meet(&other, 2) },
            )
        });
    assert!(
        a_met && b_met,
        "a and b each blocked their thread until both had started, and (a, b) saw the \
         other: ({a_met}, {b_met}). They did not run at the same time. A current-thread \
         runtime runs one task at a time, and two futures joined inside one task take turns \
         even on a multi-thread runtime: run each as a task of its own, on a runtime with at \
         least two worker threads. (`Runtime::new()` starts one worker per CPU core: on a \
         one-core machine that is one worker; ask for two.)"
    );
    assert_ne!(
        a_thread, b_thread,
        "a and b must run on two different threads"
    );
}

#[test]
fn run_on_this_thread_keeps_every_task_on_the_callers_thread() {
    let (send, report) = mpsc::channel();
    let (finished, done) = mpsc::channel();
    thread::spawn(move || {
        let caller = thread::current().id();
        run_on_this_thread(async move {
            let mut ran_on = vec![thread::current().id()];
            let tasks: Vec<_> = (0..4)
                .map(|_| tokio::spawn(async { thread::current().id() }))
                .collect();
            for task in tasks {
                ran_on.push(task.await.expect("a spawned task panicked"));
            }
            let _ = send.send((caller, ran_on));
            // An hour of tokio time: no time at all on a paused clock.
            sleep(Duration::from_secs(60 * 60)).await;
        });
        let _ = finished.send(());
    });
    let (caller, ran_on) = report.recv_timeout(LIMIT).expect(
        "the future given to run_on_this_thread did not get to the end of its first part \
         (see the panic above, if any)",
    );
    let elsewhere = ran_on.iter().filter(|&&t| t != caller).count();
    assert_eq!(
        elsewhere, 0,
        "{elsewhere} of 5 (the future and 4 tasks it spawned) ran on another thread than the \
         caller's: a multi-thread runtime runs spawned tasks on its worker threads. Build a \
         current-thread runtime: it runs everything on the thread that calls block_on."
    );
    done.recv_timeout(LIMIT).expect(
        "run_on_this_thread did not return within 5 s, although its future only slept for an \
         hour of tokio time, which takes no time at all on a paused clock: is the clock \
         paused? (Builder::start_paused(true), on a current-thread runtime)",
    );
}

fn job(
    millis: u64,
    output: u32,
    log: &Arc<std::sync::Mutex<Vec<Option<tokio::task::Id>>>>,
) -> Job<u32> {
    let log = log.clone();
    Box::pin(async move {
        log.lock().unwrap().push(tokio::task::try_id());
        sleep(Duration::from_millis(millis)).await;
        output
    })
}

#[test]
fn in_completion_order_returns_outputs_as_jobs_finish() {
    let (outputs, elapsed, ids, caller) = on_paused_tokio(LIMIT, || async {
        let log = Arc::default();
        let jobs = vec![job(30, 1, &log), job(10, 2, &log), job(20, 3, &log)];
        let start = tokio::time::Instant::now();
        let outputs = in_completion_order(jobs).await;
        let ids = log.lock().unwrap().clone();
        (outputs, start.elapsed(), ids, tokio::task::try_id())
    });
    assert_eq!(
        outputs,
        [2, 3, 1],
        "jobs that take 30, 10 and 20 ms (outputs 1, 2, 3) finish in the order 2, 3, 1. \
         Outputs in spawn order (1, 2, 3) mean the jobs' handles were awaited one after the \
         other; take each result as its task finishes (a JoinSet does that)."
    );
    assert_eq!(
        elapsed,
        Duration::from_millis(30),
        "three jobs of 30, 10 and 20 ms running at the same time take 30 ms in all; these \
         took {elapsed:?}: were they run one after the other?"
    );
    let mut distinct = ids.clone();
    distinct.sort();
    distinct.dedup();
    assert!(
        ids.iter().all(|id| id.is_some() && *id != caller) && distinct.len() == 3,
        "each job must run as a tokio task of its own, apart from the caller's task; their \
         task ids were {ids:?} (the caller's: {caller:?})"
    );
}

/// Runs `off_the_runtime` while a heartbeat task beats on the same
/// runtime. Returns how many beats the work saw, the work's thread, the
/// caller's thread and the work's output.
async fn work_beside_a_heartbeat() -> (usize, ThreadId, ThreadId, u32) {
    let beats = Arc::new(AtomicUsize::new(0));
    let stop = Arc::new(AtomicBool::new(false));
    let (counter, stopped) = (beats.clone(), stop.clone());
    let heartbeat = tokio::spawn(async move {
        while !stopped.load(SeqCst) {
            counter.fetch_add(1, SeqCst);
            tokio::task::yield_now().await;
        }
    });
    let watched = beats.clone();
    let (beats_seen, work_thread, output) = off_the_runtime(move || {
        // The CPU-heavy work: it watches the heartbeat for up to 2 s
        // of real time, waiting for 10 beats.
        let start = watched.load(SeqCst);
        let deadline = Instant::now() + WAIT;
        while watched.load(SeqCst) < start + 10 && Instant::now() < deadline {
            thread::yield_now();
        }
        (watched.load(SeqCst) - start, thread::current().id(), 42)
    })
    .await;
    stop.store(true, SeqCst);
    heartbeat.await.expect("the heartbeat task panicked");
    (beats_seen, work_thread, thread::current().id(), output)
}

fn check_off_the_runtime(flavor: &str, outcome: (usize, ThreadId, ThreadId, u32)) {
    let (beats_seen, work_thread, runtime_thread, output) = outcome;
    assert_eq!(output, 42, "off_the_runtime must return the work's result");
    assert!(
        beats_seen >= 10,
        "while the work ran, a heartbeat task on the same {flavor} runtime beat {beats_seen} \
         times in 2 s instead of 10: the work held up the runtime's thread. Running it \
         right there is not enough on any flavor (a multi-thread runtime with one worker \
         has one thread for its tasks too). Hand CPU-heavy work to \
         tokio's blocking thread pool (spawn_blocking) and await its handle."
    );
    assert_ne!(
        work_thread, runtime_thread,
        "the work ran on the {flavor} runtime's thread"
    );
}

#[test]
fn off_the_runtime_lets_other_tasks_run_meanwhile() {
    // A current-thread runtime: if the work runs on its only thread, the
    // heartbeat task cannot beat until the work is done.
    let outcome = on_paused_tokio(LIMIT, work_beside_a_heartbeat);
    check_off_the_runtime("current-thread", outcome);
}

#[test]
fn off_the_runtime_lets_other_tasks_run_on_a_multi_thread_runtime_too() {
    // One worker: if the work runs on it, the heartbeat cannot beat.
    let outcome = finishes(
        "off_the_runtime, called on a multi-thread runtime with one worker, did not return.",
        || {
            tokio::runtime::Builder::new_multi_thread()
                .worker_threads(1)
                .enable_all()
                .build()
                .expect("build a multi-thread runtime")
                .block_on(async { tokio::spawn(work_beside_a_heartbeat()).await })
        },
    )
    .unwrap_or_else(|error| std::panic::resume_unwind(error.into_panic()));
    check_off_the_runtime("multi-thread (one worker)", outcome);
}

#[test]
fn in_completion_order_passes_a_jobs_panic_on() {
    let outcome = on_paused_tokio(LIMIT, || async {
        let log = Arc::default();
        let jobs = vec![
            job(10, 1, &log),
            Box::pin(async {
                if true {
                    panic!("job 2 failed on purpose");
                }
                2_u32
            }) as Job<u32>,
            job(20, 3, &log),
        ];
        tokio::spawn(in_completion_order(jobs)).await
    });
    let message = match outcome {
        Ok(outputs) => panic!(
            "one of three jobs panicked, yet in_completion_order returned {outputs:?}: the \
             contract says a job's panic is passed on to the caller. Likely cause: a failed \
             join result is skipped (`if let Ok`, `flatten`) instead of resumed \
             (`std::panic::resume_unwind(error.into_panic())`)."
        ),
        Err(error) => error.into_panic(),
    };
    let text = message
        .downcast_ref::<&str>()
        .map(|s| s.to_string())
        .or_else(|| message.downcast_ref::<String>().cloned())
        .unwrap_or_default();
    assert!(
        text.contains("job 2 failed on purpose"),
        "in_completion_order panicked, but not with the job's own panic (it said {text:?}): \
         pass the job's panic on as it is, with `resume_unwind(error.into_panic())`"
    );
}
