use std::sync::{Arc, Mutex};
use std::time::Duration;

use errors_over_channels::{CallError, Handler, Worker};
use tokio::time::{Instant, sleep, timeout};
use workbook_support::on_paused_tokio;

const LIMIT: Duration = Duration::from_secs(5);
const UNLUCKY: u64 = 13;
const CRASH: u64 = 99;

/// The jobs the handler has started, in order.
type Log = Arc<Mutex<Vec<u64>>>;

/// A handler that takes a second per job and doubles it; job 13 fails,
/// job 99 panics.
fn handler(log: &Log) -> Handler {
    let log = Arc::clone(log);
    Box::new(move |job| {
        log.lock().unwrap().push(job);
        Box::pin(async move {
            sleep(Duration::from_secs(1)).await;
            match job {
                UNLUCKY => Err(format!("job {job} is unlucky")),
                CRASH => panic!("job {job} crashes the worker, on purpose"),
                _ => Ok(job * 2),
            }
        })
    })
}

fn started() -> (Arc<Worker>, Log) {
    let log = Log::default();
    (Arc::new(Worker::spawn(4, handler(&log))), log)
}

/// Runs `worker.call(job)` in a task of its own, so that a panic comes
/// back as a failure that says what happened.
async fn call(worker: &Arc<Worker>, job: u64) -> Result<u64, CallError> {
    let worker = Arc::clone(worker);
    let task = tokio::spawn(async move { worker.call(job).await });
    finished(task, &format!("call({job})")).await
}

async fn finished<T>(task: tokio::task::JoinHandle<T>, what: &str) -> T {
    finished_or(task, what, HANGING_CALL).await
}

const HANGING_CALL: &str = "it waits for an answer that cannot come. Likely causes: nothing \
    answers it (a job the worker skips), or nothing tells it the worker is gone (a sender of the \
    channel it waits on is still alive somewhere).";

const HANGING_SHUTDOWN: &str = "the worker's task never ended. Its loop ends when its queue \
    says no job can come any more, which is when every sender of that queue is gone: is one still \
    alive while shutdown waits (the handle's own, dropped only at the end of shutdown)?";

async fn finished_or<T>(task: tokio::task::JoinHandle<T>, what: &str, why: &str) -> T {
    match timeout(Duration::from_secs(3600), task).await {
        Ok(Ok(output)) => output,
        Ok(Err(error)) if error.is_panic() => {
            let payload = error.into_panic();
            let message = payload
                .downcast_ref::<String>()
                .map(String::as_str)
                .or_else(|| payload.downcast_ref::<&str>().copied())
                .unwrap_or("(not a text)");
            panic!(
                "{what} panicked: {message}\nIt must never panic: a worker that is gone is \
                 Err(CallError::Vanished). (An `unwrap()` on a channel's send or receive?)"
            )
        }
        Ok(Err(error)) => panic!("{what} did not finish: {error}"),
        Err(_) => panic!(
            "{what} was still waiting after an hour (of paused time), though every job takes a \
             second: {why}"
        ),
    }
}

/// Shuts the worker down once every clone of the `Arc` is gone.
async fn shutdown(worker: Arc<Worker>) -> Result<(), tokio::task::JoinError> {
    let worker = Arc::try_unwrap(worker)
        .unwrap_or_else(|_| panic!("the test still holds a clone of the worker"));
    let task = tokio::spawn(worker.shutdown());
    finished_or(task, "shutdown()", HANGING_SHUTDOWN).await
}

#[test]
fn answers_a_job_and_shuts_down() {
    on_paused_tokio(LIMIT, || async {
        let (worker, _) = started();
        assert_eq!(
            call(&worker, 21).await,
            Ok(42),
            "call(21) must return Ok(42)"
        );
        let ended = shutdown(worker).await;
        assert!(
            ended.is_ok(),
            "the worker did not crash, so shutdown must return Ok(()), it returned {ended:?}"
        );
    });
}

#[test]
fn a_failed_job_is_an_answer_not_a_crash() {
    on_paused_tokio(LIMIT, || async {
        let (worker, _) = started();
        let failed = call(&worker, UNLUCKY).await;
        assert_ne!(
            failed,
            Err(CallError::Vanished),
            "the handler returned Err(..) for job 13, and the caller got Vanished: the error \
             never crossed the channel. The caller must learn why its job failed"
        );
        assert_eq!(
            failed,
            Err(CallError::Failed("job 13 is unlucky".to_owned())),
            "call(13) must return the handler's error as Failed(message)"
        );
        let next = call(&worker, 5).await;
        assert_eq!(
            next,
            Ok(10),
            "after a job failed, the next call must work: a failed job is an answer, not a \
             reason for the worker to stop"
        );
        let ended = shutdown(worker).await;
        assert!(
            ended.is_ok(),
            "a failed job is not a crash: shutdown must return Ok(()), it returned {ended:?}"
        );
    });
}

#[test]
fn every_caller_gets_its_own_answer() {
    on_paused_tokio(LIMIT, || async {
        let (worker, _) = started();
        let calls: Vec<_> = (1..=8)
            .map(|job| {
                let worker = Arc::clone(&worker);
                tokio::spawn(async move { (job, worker.call(job).await) })
            })
            .collect();
        for task in calls {
            let (job, answer) = finished(task, "a call").await;
            assert_eq!(
                answer,
                Ok(job * 2),
                "call({job}) got an answer that is not its own: answers reach the wrong caller"
            );
        }
    });
}

#[test]
fn a_crash_is_vanished_for_its_caller_and_every_later_one() {
    on_paused_tokio(LIMIT, || async {
        let (worker, _) = started();
        assert_eq!(
            call(&worker, CRASH).await,
            Err(CallError::Vanished),
            "the handler panicked on job 99, so the worker is gone and its caller must get \
             Vanished"
        );
        let start = Instant::now();
        let later = call(&worker, 1).await;
        assert_eq!(
            later,
            Err(CallError::Vanished),
            "a call after the worker crashed must get Vanished"
        );
        assert!(
            start.elapsed() < Duration::from_secs(1),
            "a call after the crash took {:?} to learn that the worker is gone: it must know \
             at once",
            start.elapsed()
        );
    });
}

#[test]
fn callers_waiting_in_the_queue_learn_of_the_crash() {
    on_paused_tokio(LIMIT, || async {
        let (worker, log) = started();
        let calls: Vec<_> = [CRASH, 1, 2]
            .into_iter()
            .map(|job| {
                let worker = Arc::clone(&worker);
                tokio::spawn(async move { (job, worker.call(job).await) })
            })
            .collect();
        for task in calls {
            let (job, answer) = finished(task, "a call queued behind the crash").await;
            assert_eq!(
                answer,
                Err(CallError::Vanished),
                "call({job}) was queued behind job 99, which crashed the worker: it must get \
                 Vanished"
            );
        }
        assert_eq!(
            *log.lock().unwrap(),
            [CRASH],
            "the worker must run the jobs one at a time, in order, and stop at the crash"
        );
    });
}

#[test]
fn shutdown_reports_the_crash() {
    on_paused_tokio(LIMIT, || async {
        let (worker, _) = started();
        let _ = call(&worker, CRASH).await;
        let ended = shutdown(worker).await;
        let error = match ended {
            Ok(()) => panic!(
                "the worker's task panicked on job 99, and shutdown returned Ok(()): a crash \
                 reported as a clean stop. Pass on what the task's handle says"
            ),
            Err(error) => error,
        };
        assert!(
            error.is_panic(),
            "shutdown must return the JoinError of the worker's panic, it returned {error:?}"
        );
        let payload = error.into_panic();
        let message = payload.downcast_ref::<String>().map(String::as_str);
        assert_eq!(
            message,
            Some("job 99 crashes the worker, on purpose"),
            "the JoinError must carry the handler's own panic"
        );
    });
}

#[test]
fn a_caller_that_gives_up_does_not_disturb_the_worker() {
    on_paused_tokio(LIMIT, || async {
        let (worker, log) = started();
        let gave_up = timeout(Duration::from_millis(100), worker.call(3)).await;
        assert!(
            gave_up.is_err(),
            "call(3) was done within 100 ms, though the job takes a second"
        );
        let next = call(&worker, 4).await;
        assert_eq!(
            next,
            Ok(8),
            "a caller gave up waiting for job 3, and the next call did not get its answer: \
             answering a caller who left must not stop the worker"
        );
        assert_eq!(
            *log.lock().unwrap(),
            [3, 4],
            "the worker must run the job of the caller who gave up, then the next one"
        );
        let ended = shutdown(worker).await;
        assert!(
            ended.is_ok(),
            "the worker did not crash; shutdown must return Ok(()), it returned {ended:?}"
        );
    });
}

#[test]
fn shutdown_lets_the_worker_finish_its_queue() {
    on_paused_tokio(LIMIT, || async {
        let (worker, log) = started();
        // Two callers queue a job each and leave at once.
        for job in [5, 6] {
            let gave_up = timeout(Duration::ZERO, worker.call(job)).await;
            assert!(
                gave_up.is_err(),
                "call({job}) was done before the worker ran"
            );
        }
        let start = Instant::now();
        let ended = shutdown(worker).await;
        let why = match &ended {
            Err(error) if error.is_cancelled() => {
                "the worker's task was cancelled: shutdown must not abort it, only let it run out \
                 of jobs"
            }
            Err(_) => {
                "the worker's task panicked while it answered callers who had left: a reply \
                 nobody waits for is not a failure (an `unwrap()` on a oneshot's send?)"
            }
            Ok(()) => "",
        };
        assert!(
            ended.is_ok(),
            "shutdown must let the worker end by itself, and return Ok(()); it returned \
             {ended:?}: {why}"
        );
        assert_eq!(
            *log.lock().unwrap(),
            [5, 6],
            "two jobs were queued when shutdown was called: the worker must run both before it \
             ends"
        );
        assert_eq!(
            start.elapsed(),
            Duration::from_secs(2),
            "shutdown must return once the two queued jobs (a second each) are done"
        );
    });
}
