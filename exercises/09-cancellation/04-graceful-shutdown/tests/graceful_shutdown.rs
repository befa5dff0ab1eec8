use std::future::Future;
use std::pin::Pin;
use std::sync::atomic::{AtomicBool, Ordering::SeqCst};
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll};
use std::time::Duration;

use graceful_shutdown::{Job, Report, serve};
use tokio::sync::{mpsc, oneshot};
use tokio::task::JoinHandle;
use tokio::time::{Instant, sleep, timeout};
use tokio_util::sync::CancellationToken;
use workbook_support::{on_paused_tokio, within};

const LIMIT: Duration = Duration::from_secs(5);

fn ms(n: u64) -> Duration {
    Duration::from_millis(n)
}

/// What happened to one job: when it started, ended and was dropped (ms
/// after the test began).
#[derive(Debug, Default, Clone, Copy)]
struct Life {
    started: Option<u64>,
    ended: Option<u64>,
    dropped: Option<u64>,
}

/// The lives of the jobs of a test, by job number.
#[derive(Clone)]
struct Lives {
    start: Instant,
    lives: Arc<Mutex<Vec<Life>>>,
}

impl Lives {
    fn new() -> Self {
        Lives {
            start: Instant::now(),
            lives: Arc::default(),
        }
    }

    fn now(&self) -> u64 {
        self.start.elapsed().as_millis() as u64
    }

    fn get(&self, job: usize) -> Life {
        self.lives.lock().unwrap()[job]
    }

    fn update(&self, job: usize, change: impl FnOnce(&mut Life)) {
        change(&mut self.lives.lock().unwrap()[job]);
    }

    /// A job that takes `takes` ms (`None`: never ends) and records its life.
    fn job(&self, takes: Option<u64>) -> Job {
        let number = {
            let mut lives = self.lives.lock().unwrap();
            lives.push(Life::default());
            lives.len() - 1
        };
        let (lives, on_drop) = (self.clone(), DropMark(self.clone(), number));
        Box::pin(async move {
            let _on_drop = on_drop;
            lives.update(number, |life| life.started = Some(lives.now()));
            match takes {
                Some(n) => sleep(ms(n)).await,
                None => std::future::pending().await,
            }
            lives.update(number, |life| life.ended = Some(lives.now()));
        })
    }
}

/// An instant of a job's life, for messages: "at 10 ms" or "never".
fn when(at: Option<u64>) -> String {
    at.map_or_else(|| "never".to_owned(), |at| format!("at {at} ms"))
}

/// Records when a job's future is dropped, whether it was started or not.
struct DropMark(Lives, usize);

impl Drop for DropMark {
    fn drop(&mut self) {
        let at = self.0.now();
        self.0.update(self.1, |life| life.dropped = Some(at));
    }
}

/// Starts `serve` as a task of its own.
fn start(grace: u64) -> (mpsc::Sender<Job>, CancellationToken, JoinHandle<Report>) {
    let (sender, receiver) = mpsc::channel(16);
    let token = CancellationToken::new();
    let server = tokio::spawn(serve(receiver, token.clone(), ms(grace)));
    (sender, token, server)
}

/// Waits for `serve` to return; fails with `why` if it does not.
async fn returned(server: JoinHandle<Report>, lives: &Lives, why: &str) -> (Report, u64) {
    match timeout(Duration::from_secs(3600), server).await {
        Ok(Ok(report)) => (report, lives.now()),
        Ok(Err(error)) => panic!("serve's task failed: {error}"),
        Err(_) => panic!(
            "{why}, and serve had not returned an hour (of paused time) later. It must stop \
             waiting for new jobs once asked to stop (a sender may still be alive: the channel \
             need not end), drain the jobs in flight, and cut that wait off after the grace \
             period. If you wait for a set or tracker of tasks, check what makes that wait end."
        ),
    }
}

#[test]
fn runs_jobs_at_the_same_time_and_reports_them() {
    on_paused_tokio(LIMIT, || async {
        let lives = Lives::new();
        let (sender, token, server) = start(1000);
        for _ in 0..3 {
            sender
                .send(lives.job(Some(10)))
                .await
                .expect("serve is receiving");
        }
        sleep(ms(50)).await;
        for job in 0..3 {
            let life = lives.get(job);
            assert_eq!(
                (life.started, life.ended),
                (Some(0), Some(10)),
                "three jobs of 10 ms were sent at 0 ms; job {job} should have started at once \
                 and ended at 10 ms (jobs run at the same time, each as a task of its own), \
                 but it started {} and ended {}",
                when(life.started),
                when(life.ended)
            );
        }
        token.cancel();
        let (report, at) =
            returned(server, &lives, "the shutdown token was cancelled at 50 ms").await;
        assert_eq!(
            report,
            Report {
                finished: 3,
                cancelled: 0
            },
            "three jobs ran to their end: the report should count 3 finished, 0 cancelled"
        );
        assert_eq!(
            at, 50,
            "no job was running when the shutdown was asked at 50 ms: serve should return at \
             once, but it returned at {at} ms"
        );
    });
}

#[test]
fn a_shutdown_lets_the_work_in_flight_finish_then_returns() {
    on_paused_tokio(LIMIT, || async {
        let lives = Lives::new();
        let (sender, token, server) = start(1000);
        sender
            .send(lives.job(Some(30)))
            .await
            .expect("serve is receiving");
        sender
            .send(lives.job(Some(40)))
            .await
            .expect("serve is receiving");
        sleep(ms(10)).await;
        token.cancel();
        let (report, at) =
            returned(server, &lives, "the shutdown token was cancelled at 10 ms").await;
        let ended: Vec<_> = (0..2).map(|job| lives.get(job).ended).collect();
        assert_eq!(
            ended,
            [Some(30), Some(40)],
            "two jobs (of 30 and 40 ms) were running when the shutdown was asked at 10 ms. They \
             must be left to finish, at 30 and 40 ms; their ends were {ended:?} by the time \
             serve returned, at {at} ms. Returning when asked drops the work in flight: a \
             task that is detached keeps running after serve returns, and a set of tasks that \
             is dropped cancels them."
        );
        assert_eq!(
            at, 40,
            "the last job in flight ended at 40 ms: serve should return then (not wait for the \
             rest of the grace period), but it returned at {at} ms"
        );
        assert_eq!(
            report,
            Report {
                finished: 2,
                cancelled: 0
            },
            "both jobs ran to their end"
        );
    });
}

#[test]
fn a_shutdown_ends_even_while_a_sender_is_alive() {
    on_paused_tokio(LIMIT, || async {
        let lives = Lives::new();
        let (sender, token, server) = start(1000);
        sender
            .send(lives.job(Some(5)))
            .await
            .expect("serve is receiving");
        sleep(ms(10)).await;
        token.cancel();
        let (_, at) = returned(
            server,
            &lives,
            "the shutdown token was cancelled at 10 ms while the test kept a sender alive",
        )
        .await;
        assert_eq!(
            at, 10,
            "nothing was running at 10 ms: serve should return at once"
        );
        drop(sender);
    });
}

#[test]
fn the_end_of_the_channel_is_a_shutdown_too() {
    on_paused_tokio(LIMIT, || async {
        let lives = Lives::new();
        let (sender, _token, server) = start(1000);
        sender
            .send(lives.job(Some(20)))
            .await
            .expect("serve is receiving");
        drop(sender);
        let (report, at) = returned(server, &lives, "every sender was dropped at 0 ms").await;
        assert_eq!(
            (at, lives.get(0).ended),
            (20, Some(20)),
            "every sender was dropped at 0 ms, with one job of 20 ms running: serve should let \
             it finish, then return, at 20 ms; it returned at {at} ms"
        );
        assert_eq!(report.finished, 1, "the one job ran to its end");
    });
}

#[test]
fn no_job_starts_once_the_shutdown_is_asked() {
    on_paused_tokio(LIMIT, || async {
        // Repeated, because the order in which serve notices two things that
        // are ready at once may change from one run to the next.
        for round in 0..32 {
            let lives = Lives::new();
            let (sender, token, server) = start(1000);
            sender
                .send(lives.job(Some(10)))
                .await
                .expect("serve is receiving");
            sleep(ms(1)).await;
            // Asked to stop, and a job sent in the same instant, before serve
            // runs again; then one more, later.
            token.cancel();
            let late = lives.job(Some(10));
            sender
                .send(late)
                .await
                .expect("serve's receiver is still alive");
            sleep(ms(2)).await;
            let _ = sender.try_send(lives.job(Some(10)));
            let (report, _) = returned(server, &lives, "the shutdown token was cancelled").await;
            for job in [1, 2] {
                let life = lives.get(job);
                assert_eq!(
                    life.started,
                    None,
                    "round {round}: a job was sent after the shutdown token was cancelled, and \
                     serve started it ({}). Once asked to stop, serve must start no job: when a \
                     job and the cancellation are both ready, the cancellation must win.",
                    when(life.started)
                );
                assert!(
                    life.dropped.is_some(),
                    "round {round}: a job sent after the shutdown token was cancelled was still \
                     alive, unstarted, when serve returned: jobs left in the channel must be \
                     dropped by then (who still holds the receiver?)"
                );
            }
            assert_eq!(
                report,
                Report {
                    finished: 1,
                    cancelled: 0
                },
                "round {round}: one job was started, and it finished"
            );
        }
    });
}

#[test]
fn the_grace_period_bounds_the_wait() {
    on_paused_tokio(LIMIT, || async {
        let lives = Lives::new();
        let (sender, receiver) = mpsc::channel(16);
        let token = CancellationToken::new();
        let asker = {
            let (lives, token) = (lives.clone(), token.clone());
            tokio::spawn(async move {
                sender
                    .send(lives.job(None))
                    .await
                    .expect("serve is receiving");
                sender
                    .send(lives.job(Some(20)))
                    .await
                    .expect("serve is receiving");
                sleep(ms(10)).await;
                token.cancel();
                sender // kept alive until the end of the test
            })
        };
        // `serve` runs in this task, so nothing else runs between its
        // return and the checks below.
        let report = match timeout(Duration::from_secs(3600), serve(receiver, token, ms(50))).await
        {
            Ok(report) => report,
            Err(_) => panic!(
                "the shutdown token was cancelled at 10 ms with a job that never ends in flight, \
                 and a grace period of 50 ms, and serve had not returned an hour (of paused time) \
                 later. The wait for the jobs in flight must be cut off when the grace period is \
                 over."
            ),
        };
        let (at, dropped) = (lives.now(), lives.get(0).dropped);
        assert_eq!(
            at, 60,
            "a job that never ends was running when the shutdown was asked at 10 ms, with a \
             grace period of 50 ms: serve should give up on it and return at 60 ms (the grace \
             counts from the request to stop, once: it does not start over when a job ends), \
             but it returned at {at} ms"
        );
        assert_eq!(
            dropped,
            Some(60),
            "serve returned at 60 ms, but the job that never ends had not been dropped then \
             (dropped: {}): when the grace period is over, the jobs still running must be \
             cancelled, and serve must wait until they are gone. Timing out the wait alone \
             leaves them running; asking them to abort does not drop them at once: an aborted \
             task is dropped when the runtime next gets to it.",
            when(dropped)
        );
        assert_eq!(
            report,
            Report {
                finished: 1,
                cancelled: 1
            },
            "one job finished (at 20 ms), one was cancelled at the end of the grace period"
        );
        drop(asker);
    });
}

/// How long, at most, the stuck job's poll blocks its thread (wall clock).
const STUCK_FOR: Duration = Duration::from_millis(300);

/// A job whose first poll blocks its worker thread until `release` gets a
/// message (or `STUCK_FOR` has passed), then returns `Pending` for good.
/// It stands for a job busy in a long step when the grace period ends.
struct Stuck {
    entered: Option<oneshot::Sender<()>>,
    release: std::sync::mpsc::Receiver<()>,
    dropped: Arc<AtomicBool>,
}

impl Future for Stuck {
    type Output = ();

    fn poll(mut self: Pin<&mut Self>, _: &mut Context<'_>) -> Poll<()> {
        if let Some(entered) = self.entered.take() {
            let _ = entered.send(());
            let _ = self.release.recv_timeout(STUCK_FOR);
        }
        Poll::Pending
    }
}

impl Drop for Stuck {
    fn drop(&mut self) {
        self.dropped.store(true, SeqCst);
    }
}

#[test]
fn serve_waits_for_an_aborted_job_that_is_still_in_a_poll_on_another_thread() {
    // A real multi-thread runtime, where the runtime does not wait for
    // `serve` to yield before it polls other tasks. One-sided: `serve`
    // that waits until every job has ended or been dropped always passes;
    // one that returns right after asking the jobs to abort fails, because
    // the stuck job's poll is still running when it returns.
    within(LIMIT, || {
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_time()
            .build()
            .expect("build a runtime");
        runtime.block_on(async {
            let (sender, receiver) = mpsc::channel::<Job>(16);
            let token = CancellationToken::new();
            let (entered, started) = oneshot::channel();
            let (release, released) = std::sync::mpsc::channel();
            let dropped = Arc::new(AtomicBool::new(false));
            let stuck = Stuck {
                entered: Some(entered),
                release: released,
                dropped: dropped.clone(),
            };
            sender
                .send(Box::pin(stuck))
                .await
                .expect("serve is receiving");
            // `serve` runs here, on the thread of `block_on`; the job runs on
            // a worker thread.
            let serving = async {
                let report = serve(receiver, token.clone(), ms(20)).await;
                let dropped_when_serve_returned = dropped.load(SeqCst);
                let _ = release.send(());
                (report, dropped_when_serve_returned)
            };
            let asker = async {
                started.await.expect("serve started the job");
                token.cancel();
            };
            let ((report, dropped_when_serve_returned), ()) = tokio::join!(serving, asker);
            assert!(
                dropped_when_serve_returned,
                "on a multi-thread runtime, serve returned while a job it had cancelled was \
                 still alive: the job was in the middle of a poll on another worker thread when \
                 the grace period ended, and it had not been dropped yet. `abort` only asks: a \
                 task busy in a poll is dropped when that poll returns, and yielding once (or \
                 any number of times) does not wait for that. It passed on the single-thread \
                 runtime of the other tests only because there nothing else runs while serve \
                 does. By the time serve returns, every job it started must have ended or \
                 been dropped: wait for each cancelled task to be gone."
            );
            assert_eq!(
                report,
                Report {
                    finished: 0,
                    cancelled: 1
                },
                "the one job was cancelled when the grace period ended"
            );
            drop(sender);
        });
    });
}
