use std::sync::atomic::{AtomicUsize, Ordering::SeqCst};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use semaphore_limit::Limiter;
use tokio::time::{Instant, sleep, timeout};
use workbook_support::on_paused_tokio;

const LIMIT: Duration = Duration::from_secs(5);

/// Counts the jobs running now, and remembers the most at once and the
/// order in which they started.
#[derive(Clone, Default)]
struct Probe {
    now: Arc<AtomicUsize>,
    most: Arc<AtomicUsize>,
    started: Arc<Mutex<Vec<usize>>>,
}

/// Held by a running job; dropped when the job ends, however it ends.
struct Running(Probe);

impl Probe {
    fn enter(&self, job: usize) -> Running {
        let now = self.now.fetch_add(1, SeqCst) + 1;
        self.most.fetch_max(now, SeqCst);
        self.started.lock().unwrap().push(job);
        Running(self.clone())
    }

    /// A job that holds a place for `length`, then returns its number.
    fn job(&self, number: usize, length: Duration) -> impl Future<Output = usize> + use<> {
        let probe = self.clone();
        async move {
            let _running = probe.enter(number);
            sleep(length).await;
            number
        }
    }

    fn most(&self) -> usize {
        self.most.load(SeqCst)
    }

    fn started(&self) -> Vec<usize> {
        self.started.lock().unwrap().clone()
    }
}

impl Drop for Running {
    fn drop(&mut self) {
        self.0.now.fetch_sub(1, SeqCst);
    }
}

/// Lets every task that can run do so, with no time passing.
async fn settle_a_moment() {
    for _ in 0..20 {
        tokio::task::yield_now().await;
    }
}

/// Awaits a job's handle; fails with an explanation if it never ends.
async fn finish<T>(handle: tokio::task::JoinHandle<T>, what: &str) -> T {
    match timeout(Duration::from_secs(3600), handle).await {
        Ok(Ok(value)) => value,
        Ok(Err(error)) => panic!("{what}: its task failed: {error}"),
        Err(_) => panic!(
            "{what} had not finished an hour (of paused time) later: it never got a place, \
             though every job before it had ended. Likely cause: a place that is taken and \
             never given back, because it is given back by hand after the job, and a job that \
             panics or is aborted never gets there. Tie the place to a value the task owns, so \
             that dropping the task frees it."
        ),
    }
}

#[test]
fn runs_a_job_and_gives_back_its_output() {
    on_paused_tokio(LIMIT, || async {
        let limiter = Limiter::new(2);
        let answer = finish(limiter.spawn(async { 6 * 7 }), "spawn(async { 6 * 7 })").await;
        assert_eq!(
            answer, 42,
            "the handle of spawn(job) gives the job's output"
        );
        let Ok(handle) = limiter.try_spawn(async { "done" }) else {
            panic!("try_spawn on a limiter with every place free handed the job back");
        };
        let done = finish(handle, "try_spawn(async { \"done\" })").await;
        assert_eq!(
            done, "done",
            "the handle of try_spawn(job) gives the job's output"
        );
    });
}

#[test]
fn never_more_jobs_in_flight_than_the_limit() {
    on_paused_tokio(LIMIT, || async {
        for limit in [1, 3] {
            let probe = Probe::default();
            let limiter = Limiter::new(limit);
            let handles: Vec<_> = (0..12)
                .map(|n| limiter.spawn(probe.job(n, Duration::from_millis(10 + n as u64))))
                .collect();
            for (n, handle) in handles.into_iter().enumerate() {
                finish(handle, &format!("job {n}")).await;
            }
            let most = probe.most();
            assert!(
                most <= limit,
                "Limiter::new({limit}) ran 12 jobs with spawn, and {most} of them were running \
                 at the same time: at most {limit} may. Likely causes: the place is given back \
                 before the job has finished (a permit bound to `_`, which drops it at once, or \
                 dropped at the end of an inner block), or each job gets a limit of its own \
                 instead of sharing one."
            );
        }
    });
}

#[test]
fn every_place_is_used_while_jobs_wait() {
    on_paused_tokio(LIMIT, || async {
        let probe = Probe::default();
        let limiter = Limiter::new(3);
        let start = Instant::now();
        let handles: Vec<_> = (0..12)
            .map(|n| limiter.spawn(probe.job(n, Duration::from_millis(10))))
            .collect();
        for (n, handle) in handles.into_iter().enumerate() {
            finish(handle, &format!("job {n}")).await;
        }
        let (most, took) = (probe.most(), start.elapsed());
        assert_eq!(
            most, 3,
            "Limiter::new(3) ran 12 jobs of 10 ms with spawn, and at most {most} ran at once: \
             all 3 places should be in use while jobs wait. Is the limit the one given to `new`?"
        );
        assert_eq!(
            took,
            Duration::from_millis(40),
            "Limiter::new(3) should run 12 jobs of 10 ms in 4 rounds, 40 ms (of paused time), \
             but they took {took:?}: a job did not start the moment a place was freed. Likely \
             cause: a job that checks for a place now and then (a loop with a sleep) instead \
             of waiting for one to be handed over."
        );
    });
}

#[test]
fn a_freed_place_goes_to_a_waiting_job_at_once() {
    on_paused_tokio(LIMIT, || async {
        let probe = Probe::default();
        let limiter = Limiter::new(1);
        let (finish_first, finished) = tokio::sync::oneshot::channel::<()>();
        let first = limiter.spawn(async {
            finished.await.ok();
        });
        let second = limiter.spawn(probe.job(1, Duration::from_millis(10)));
        sleep(Duration::from_secs(1)).await;
        assert_eq!(
            probe.started(),
            Vec::<usize>::new(),
            "Limiter::new(1): the second job started while the first still held the only place. \
             Likely cause: the place is given back before the job ends (a permit bound to \
             `_`, which drops it at once, or one dropped at the end of an inner block)."
        );
        let at = Instant::now();
        finish_first.send(()).expect("the first job waits for this");
        for _ in 0..20 {
            tokio::task::yield_now().await; // no time passes here
        }
        assert_eq!(
            (probe.started(), at.elapsed()),
            (vec![1], Duration::ZERO),
            "Limiter::new(1): the first job ended, and the job waiting for its place had not \
             started after the runtime had run every task that was ready (with no time \
             passing). A freed place should wake the job waiting for it. Likely cause: waiting \
             jobs look for a place now and then (a loop with a sleep or a yield) instead of \
             waiting to be handed one."
        );
        finish(first, "the first job").await;
        finish(second, "the second job").await;
    });
}

#[test]
fn jobs_start_in_the_order_they_were_spawned() {
    on_paused_tokio(LIMIT, || async {
        let probe = Probe::default();
        let limiter = Limiter::new(2);
        let handles: Vec<_> = (0..8)
            .map(|n| limiter.spawn(probe.job(n, Duration::from_millis(10 - n as u64))))
            .collect();
        for (n, handle) in handles.into_iter().enumerate() {
            finish(handle, &format!("job {n}")).await;
        }
        assert_eq!(
            probe.started(),
            (0..8).collect::<Vec<_>>(),
            "Limiter::new(2): 8 jobs spawned in order 0 to 7 should start in that order, each \
             as soon as a place is free (first come, first served: on this current-thread \
             runtime, the tasks first run, and start to wait, in the order spawned)"
        );
    });
}

#[test]
fn a_job_that_panics_or_is_aborted_frees_its_place() {
    // One job from `spawn` panics; one from `spawn` and one from
    // `try_spawn` are aborted.
    on_paused_tokio(LIMIT, || async {
        let probe = Probe::default();
        let limiter = Limiter::new(2);
        let panics = limiter.spawn(async {
            sleep(Duration::from_millis(5)).await;
            panic!("a job panics on purpose here: the test checks that its place is freed");
        });
        let Ok(from_try_spawn) = limiter.try_spawn(probe.job(99, Duration::from_secs(1_000_000)))
        else {
            panic!("Limiter::new(2) with one job running: try_spawn handed the next job back");
        };
        let from_spawn = limiter.spawn(probe.job(98, Duration::from_secs(1_000_000)));
        sleep(Duration::from_millis(10)).await;
        assert!(
            timeout(Duration::ZERO, panics)
                .await
                .is_ok_and(|result| result.is_err()),
            "a job that panics: its handle should report the panic"
        );
        let started = probe.started();
        assert_eq!(
            started,
            [99, 98],
            "Limiter::new(2): one job panicked after 5 ms, and 5 ms later the job waiting for \
             its place had not started (started: {started:?}): the panicked job's place was not \
             freed. Likely cause: the place is given back by a line of code after the job, \
             which never runs when the job panics. Tie the place to a value the task owns, so \
             that dropping the task frees it."
        );
        from_try_spawn.abort();
        from_spawn.abort();
        let start = Instant::now();
        let handles: Vec<_> = (0..4)
            .map(|n| limiter.spawn(probe.job(n, Duration::from_millis(10))))
            .collect();
        for (n, handle) in handles.into_iter().enumerate() {
            finish(
                handle,
                &format!("Limiter::new(2), after one job panicked and two were aborted: job {n}"),
            )
            .await;
        }
        let most = probe.most();
        assert!(
            most <= 2,
            "Limiter::new(2): after two jobs were aborted through their handles, {most} jobs \
             ran at once: the aborted job kept running after its place was freed. Aborting \
             the handle that `spawn` or `try_spawn` returns must stop the job itself; likely \
             cause: the job runs in a task of its own, spawned inside the task whose handle \
             is returned, so the abort ends only the outer task (and frees its place)."
        );
        let took = start.elapsed();
        assert_eq!(
            took,
            Duration::from_millis(20),
            "Limiter::new(2): after one job panicked and two were aborted, 4 jobs of 10 ms \
             took {took:?} instead of 20 ms: fewer than 2 places were left. A job that panics \
             or whose task is aborted must free its place too; likely cause: the place is \
             given back by a line of code after the job, which never runs then."
        );
    });
}

#[test]
fn clones_share_one_limit() {
    on_paused_tokio(LIMIT, || async {
        let probe = Probe::default();
        let limiter = Limiter::new(2);
        let clones = [limiter.clone(), limiter.clone(), limiter];
        let handles: Vec<_> = (0..9)
            .map(|n| clones[n % 3].spawn(probe.job(n, Duration::from_millis(10))))
            .collect();
        for (n, handle) in handles.into_iter().enumerate() {
            finish(handle, &format!("job {n}")).await;
        }
        let most = probe.most();
        assert!(
            most <= 2,
            "three clones of Limiter::new(2) ran 9 jobs, and {most} ran at once: clones must \
             share one limit of 2 (share the places, do not copy them)"
        );
    });
}

#[test]
fn try_spawn_hands_the_job_back_when_every_place_is_taken() {
    on_paused_tokio(LIMIT, || async {
        let probe = Probe::default();
        let limiter = Limiter::new(2);
        let mut handles = Vec::new();
        for n in 0..2 {
            match limiter.try_spawn(probe.job(n, Duration::from_millis(10))) {
                Ok(handle) => handles.push(handle),
                Err(_) => panic!(
                    "Limiter::new(2) with {n} job(s) running: try_spawn handed job {n} back, but \
                     a place was free"
                ),
            }
        }
        let Err(refused) = limiter.try_spawn(probe.job(2, Duration::from_millis(10))) else {
            panic!(
                "Limiter::new(2): two jobs from try_spawn hold both places, and a third \
                 try_spawn spawned its job instead of handing it back. Likely cause: the place \
                 is not held by the task for the whole job (a permit dropped as try_spawn \
                 returns, or bound to `_`), or try_spawn only looks for a free place (say, \
                 `available_permits() > 0`) without taking it, so every call in the same \
                 moment sees the same free place: take the permit in the call itself."
            );
        };
        settle_a_moment().await;
        assert_eq!(
            probe.started(),
            [0, 1],
            "Limiter::new(2): the job that try_spawn handed back must not run, and the two it \
             spawned must"
        );
        assert_eq!(
            refused.await,
            2,
            "the job handed back is the same job, not started: it runs when awaited"
        );
        for (n, handle) in handles.into_iter().enumerate() {
            finish(handle, &format!("job {n}")).await;
        }
        assert!(
            limiter.try_spawn(async {}).is_ok(),
            "Limiter::new(2): once both jobs had ended, try_spawn handed a job back: their \
             places must be free again when they end"
        );
    });
}

#[test]
fn a_job_from_try_spawn_holds_its_place_until_it_ends() {
    on_paused_tokio(LIMIT, || async {
        let probe = Probe::default();
        let limiter = Limiter::new(1);
        let start = Instant::now();
        let Ok(first) = limiter.try_spawn(probe.job(0, Duration::from_millis(10))) else {
            panic!("Limiter::new(1) with nothing running: try_spawn handed the job back");
        };
        let waiting = limiter.spawn(async { Instant::now() });
        let output = finish(first, "the job from try_spawn").await;
        let second_started = finish(waiting, "the job from spawn").await;
        assert_eq!(output, 0, "the job from try_spawn returns its output");
        let waited = second_started - start;
        assert_eq!(
            waited,
            Duration::from_millis(10),
            "Limiter::new(1): a job from try_spawn held the only place for 10 ms, and a job \
             from spawn started after {waited:?}: it should have waited the full 10 ms. The \
             task that try_spawn starts must hold its place until the job ends: move the \
             permit into the task."
        );
    });
}

#[test]
fn try_spawn_does_not_take_a_place_owed_to_a_waiting_job() {
    on_paused_tokio(LIMIT, || async {
        let probe = Probe::default();
        let limiter = Limiter::new(1);
        let (finish_first, finished) = tokio::sync::oneshot::channel::<()>();
        let first = limiter.spawn(async {
            finished.await.ok();
        });
        let second = limiter.spawn(probe.job(1, Duration::from_millis(10)));
        settle_a_moment().await; // the second job waits for the place now
        finish_first.send(()).expect("the first job waits for this");
        for _ in 0..20 {
            if first.is_finished() {
                break;
            }
            tokio::task::yield_now().await;
        }
        assert!(first.is_finished(), "the first job ends once it is told to");
        let jumped = limiter.try_spawn(probe.job(2, Duration::from_millis(10)));
        assert!(
            jumped.is_err(),
            "Limiter::new(1): the first job ended while another waited in line for its place, \
             and try_spawn took the place instead of handing its job back. A place freed \
             while jobs wait goes to the first of them; try_spawn gets only a place that \
             nobody waits for."
        );
        finish(second, "the waiting job").await;
        assert_eq!(probe.started(), [1], "only the waiting job ran");
    });
}
