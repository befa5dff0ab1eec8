use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering::SeqCst};
use std::time::Duration;

use supervise::{Job, Outcome};
use tokio::time::{Instant, sleep, timeout};
use workbook_support::on_paused_tokio;

const LIMIT: Duration = Duration::from_secs(5);
const DEADLINE: Duration = Duration::from_secs(10);

fn secs(n: u64) -> Duration {
    Duration::from_secs(n)
}

/// A job that sleeps, then returns `result`.
fn after(wait: Duration, result: Result<(), &'static str>) -> Job {
    Box::pin(async move {
        sleep(wait).await;
        result.map_err(str::to_owned)
    })
}

/// What a job leaves behind, for the test to look at: whether it reached
/// its end, and whether its future was dropped.
#[derive(Clone, Default)]
struct Probe {
    finished: Arc<AtomicBool>,
    dropped: Arc<AtomicBool>,
}

struct DropFlag(Arc<AtomicBool>);

impl Drop for DropFlag {
    fn drop(&mut self) {
        self.0.store(true, SeqCst);
    }
}

impl Probe {
    /// A job that sleeps `wait`, then records that it finished.
    fn job(&self, wait: Duration) -> Job {
        let finished = Arc::clone(&self.finished);
        let flag = DropFlag(Arc::clone(&self.dropped));
        Box::pin(async move {
            let _flag = flag;
            sleep(wait).await;
            finished.store(true, SeqCst);
            Ok(())
        })
    }
}

/// Runs `supervise` in a task of its own and returns its outcomes and how
/// long it took (paused time), or fails with what went wrong.
async fn run(jobs: Vec<Job>, deadline: Duration) -> (Vec<Outcome>, Duration) {
    let (outcomes, took, _) = run_watching(jobs, deadline, None).await;
    (outcomes, took)
}

/// The same, and whether the job of `probe` had been dropped at the very
/// moment `supervise` returned (before any other task could run).
async fn run_watching(
    jobs: Vec<Job>,
    deadline: Duration,
    probe: Option<Probe>,
) -> (Vec<Outcome>, Duration, bool) {
    let started = Instant::now();
    let supervisor = tokio::spawn(async move {
        let outcomes = supervise::supervise(jobs, deadline).await;
        let dropped = probe.is_some_and(|probe| probe.dropped.load(SeqCst));
        (outcomes, dropped)
    });
    match timeout(Duration::from_secs(3600), supervisor).await {
        Ok(Ok((outcomes, dropped))) => (outcomes, started.elapsed(), dropped),
        Ok(Err(error)) if error.is_panic() => {
            let payload = error.into_panic();
            let message = payload
                .downcast_ref::<String>()
                .map(String::as_str)
                .or_else(|| payload.downcast_ref::<&str>().copied())
                .unwrap_or("(not a text)");
            panic!(
                "supervise itself panicked: {message}\nIt must report how every job ended and \
                 never panic. (An `unwrap()` on what a task gave back turns a job's panic into \
                 the supervisor's own; `into_panic()` on a task that did not panic panics too.)"
            )
        }
        Ok(Err(error)) => panic!("supervise did not finish: {error}"),
        Err(_) => panic!(
            "supervise was still running an hour (of paused time) after it started, with a \
             deadline of {deadline:?}: it waits for a job that never ends. Stop the jobs still \
             running at the deadline."
        ),
    }
}

#[test]
fn reports_successes_and_failures_in_order() {
    on_paused_tokio(LIMIT, || async {
        let jobs = vec![
            after(secs(2), Ok(())),
            after(secs(1), Err("disk full")),
            after(secs(3), Ok(())),
        ];
        let (outcomes, _) = run(jobs, DEADLINE).await;
        assert_eq!(
            outcomes,
            [
                Outcome::Succeeded,
                Outcome::Failed("disk full".to_owned()),
                Outcome::Succeeded
            ],
            "one outcome per job, in the order of the jobs: Ok(()) is Succeeded, Err(message) is \
             Failed(message)"
        );
    });
}

#[test]
fn a_panic_is_reported_never_a_success() {
    on_paused_tokio(LIMIT, || async {
        let jobs: Vec<Job> = vec![
            after(secs(1), Ok(())),
            Box::pin(async {
                sleep(secs(1)).await;
                panic!("boom, on purpose")
            }),
            after(secs(2), Ok(())),
        ];
        let (outcomes, _) = run(jobs, DEADLINE).await;
        assert_eq!(
            outcomes.len(),
            3,
            "one outcome per job, also for a job that panicked; got {outcomes:?}"
        );
        assert_ne!(
            outcomes[1],
            Outcome::Succeeded,
            "the second job panicked, and supervise reported it as Succeeded: a crash turned \
             into a silent success. A task that panicked has no output; what its handle gives \
             back says why."
        );
        assert_eq!(
            outcomes[1],
            Outcome::Panicked(Some("boom, on purpose".to_owned())),
            "the second job ran `panic!(\"boom, on purpose\")`"
        );
        assert_eq!(
            [&outcomes[0], &outcomes[2]],
            [&Outcome::Succeeded, &Outcome::Succeeded],
            "a panic in one job must not change the outcome of the others"
        );
    });
}

#[test]
fn a_panic_is_reported_with_its_own_message() {
    on_paused_tokio(LIMIT, || async {
        let jobs: Vec<Job> = vec![
            Box::pin(async { panic!("a literal, on purpose") }),
            Box::pin(async {
                let job = 7;
                panic!("job {job} broke, on purpose")
            }),
            Box::pin(async { std::panic::panic_any(42_u32) }),
        ];
        let (outcomes, _) = run(jobs, DEADLINE).await;
        assert_eq!(
            outcomes,
            [
                Outcome::Panicked(Some("a literal, on purpose".to_owned())),
                Outcome::Panicked(Some("job 7 broke, on purpose".to_owned())),
                Outcome::Panicked(None),
            ],
            "Panicked must hold the panic's own message: the text given to `panic!`, not the \
             JoinError's description of it. A plain literal carries a `&'static str`, a \
             message with `{{job}}` in it a `String`, and `panic_any(42_u32)` no text at all \
             (None)"
        );
    });
}

#[test]
fn runs_the_jobs_at_the_same_time() {
    on_paused_tokio(LIMIT, || async {
        let jobs = vec![
            after(secs(3), Ok(())),
            after(secs(3), Ok(())),
            after(secs(3), Ok(())),
        ];
        let (outcomes, took) = run(jobs, DEADLINE).await;
        assert_eq!(
            outcomes,
            [const { Outcome::Succeeded }; 3],
            "every job succeeded"
        );
        assert_eq!(
            took,
            secs(3),
            "three jobs of 3 s each must take 3 s in all when they run at the same time; \
             supervise took {took:?}. Is each job started before the first one is awaited?"
        );
    });
}

#[test]
fn a_job_past_the_deadline_is_cancelled_and_stopped() {
    on_paused_tokio(LIMIT, || async {
        let slow = Probe::default();
        let jobs = vec![after(secs(1), Ok(())), slow.job(secs(100))];
        let (outcomes, took, dropped) = run_watching(jobs, DEADLINE, Some(slow.clone())).await;
        assert_eq!(
            took, DEADLINE,
            "a job runs for 100 s and the deadline is 10 s: supervise must return at the \
             deadline, it took {took:?}"
        );
        assert_eq!(
            outcomes,
            [Outcome::Succeeded, Outcome::Cancelled],
            "the job still running at the deadline must be reported as Cancelled (a task that \
             was stopped is not a task that panicked)"
        );
        assert!(
            dropped,
            "supervise returned Cancelled for the slow job, but the job's future had not been \
             dropped yet: its task was still alive when supervise returned. Giving up waiting \
             for a task does not stop it, and asking it to stop takes effect only when the \
             runtime next gets to that task: wait until the task has really ended, which also \
             tells how it ended."
        );
        sleep(secs(200)).await;
        assert!(
            !slow.finished.load(SeqCst),
            "the job reported Cancelled ran to its end 100 s later: its task was never stopped, \
             only its handle was let go (a dropped JoinHandle detaches the task, it does not \
             cancel it)"
        );
    });
}

#[test]
fn the_deadline_is_for_the_whole_run() {
    on_paused_tokio(LIMIT, || async {
        let jobs = vec![
            after(secs(15), Ok(())),
            after(secs(15), Ok(())),
            after(secs(15), Ok(())),
        ];
        let (outcomes, took) = run(jobs, DEADLINE).await;
        assert_eq!(
            outcomes,
            [const { Outcome::Cancelled }; 3],
            "three jobs of 15 s with a deadline of 10 s: all three are still running at the \
             deadline. The deadline counts from the call to supervise, once for all jobs, not \
             again for each job that is awaited"
        );
        assert_eq!(took, DEADLINE, "supervise must return at the deadline");
    });
}

#[test]
fn no_job_is_left_running_after_a_panic() {
    on_paused_tokio(LIMIT, || async {
        let slow = Probe::default();
        let jobs: Vec<Job> = vec![
            Box::pin(async { panic!("first, on purpose") }),
            slow.job(secs(60)),
        ];
        let (outcomes, _, dropped) = run_watching(jobs, DEADLINE, Some(slow.clone())).await;
        assert_eq!(
            outcomes.get(1),
            Some(&Outcome::Cancelled),
            "a panic in the first job must not end the supervision early: the second job runs \
             until the deadline and is then cancelled (outcomes: {outcomes:?})"
        );
        assert_eq!(
            outcomes[0],
            Outcome::Panicked(Some("first, on purpose".to_owned())),
            "the first job ran `panic!(\"first, on purpose\")`: it must be reported as \
             Panicked with that message"
        );
        assert!(
            dropped,
            "when supervise returned, the second job's task was still alive: no job may be left \
             running"
        );
    });
}
