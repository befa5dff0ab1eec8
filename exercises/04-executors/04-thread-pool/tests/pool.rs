use std::future::{Future, poll_fn};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering::SeqCst};
use std::sync::{Arc, Mutex, mpsc};
use std::task::{Poll, Waker};
use std::thread::{self, ThreadId};
use std::time::{Duration, Instant};

use thread_pool::ThreadPool;
use workbook_support::within;

const LIMIT: Duration = Duration::from_secs(5);
/// How long a test waits for a task to report.
const WAIT: Duration = Duration::from_secs(2);

/// A future that is `Pending` until its gate is opened, possibly from
/// another thread. Counts its polls.
#[derive(Clone, Default)]
struct Gate {
    state: Arc<Mutex<(bool, Option<Waker>)>>,
    polls: Arc<AtomicUsize>,
}

impl Gate {
    fn open(&self) {
        let waker = {
            let mut state = self.state.lock().unwrap();
            state.0 = true;
            state.1.take()
        };
        if let Some(waker) = waker {
            waker.wake();
        }
    }

    fn wait(&self) -> impl Future<Output = ()> + Send + 'static {
        let gate = self.clone();
        poll_fn(move |cx| {
            gate.polls.fetch_add(1, SeqCst);
            let mut state = gate.state.lock().unwrap();
            if state.0 {
                Poll::Ready(())
            } else {
                state.1 = Some(cx.waker().clone());
                Poll::Pending
            }
        })
    }
}

/// Blocks the worker until `n` tasks have arrived, or gives up after
/// `WAIT`. Returns whether all arrived.
fn meet(arrived: &AtomicUsize, n: usize) -> bool {
    arrived.fetch_add(1, SeqCst);
    let deadline = Instant::now() + WAIT;
    while arrived.load(SeqCst) < n {
        if Instant::now() > deadline {
            return false;
        }
        thread::yield_now();
    }
    true
}

#[test]
fn runs_a_spawned_task_on_a_worker_thread() {
    within(LIMIT, || {
        let pool = ThreadPool::new(2);
        let (send, ran_on) = mpsc::channel();
        pool.spawn(async move {
            send.send(thread::current().id()).unwrap();
        });
        let worker = ran_on
            .recv_timeout(WAIT)
            .expect("a spawned task did not run within 2s: no worker polled it");
        assert_ne!(
            worker,
            thread::current().id(),
            "spawn ran the task on the caller's thread; a worker must poll it"
        );
    });
}

#[test]
fn runs_as_many_tasks_at_once_as_it_has_workers() {
    within(LIMIT, || {
        const WORKERS: usize = 3;
        let pool = ThreadPool::new(WORKERS);
        let arrived = Arc::new(AtomicUsize::new(0));
        let (send, results) = mpsc::channel::<(bool, ThreadId)>();
        for _ in 0..WORKERS {
            let (arrived, send) = (arrived.clone(), send.clone());
            pool.spawn(async move {
                let all_met = meet(&arrived, WORKERS);
                send.send((all_met, thread::current().id())).unwrap();
            });
        }
        let mut threads = Vec::new();
        for _ in 0..WORKERS {
            let (all_met, thread) = results.recv_timeout(LIMIT).expect("a task never ran");
            assert!(
                all_met,
                "{WORKERS} tasks, each blocking its thread until all {WORKERS} had started, \
                 did not all run at the same time on a pool of {WORKERS} workers. Each worker \
                 must take the next ready task; are all tasks run by one thread?"
            );
            threads.push(thread);
        }
        threads.sort_by_key(|t| format!("{t:?}"));
        threads.dedup();
        assert_eq!(
            threads.len(),
            WORKERS,
            "the tasks should have run on {WORKERS} different workers"
        );
    });
}

#[test]
fn a_task_woken_from_another_thread_is_polled_again() {
    within(LIMIT, || {
        let pool = ThreadPool::new(2);
        let gate = Gate::default();
        let (send, done) = mpsc::channel();
        let wait = gate.wait();
        pool.spawn(async move {
            wait.await;
            send.send(()).unwrap();
        });
        // Let the task reach the gate, then open it from another thread.
        let deadline = Instant::now() + WAIT;
        while gate.polls.load(SeqCst) == 0 {
            assert!(Instant::now() < deadline, "the task was never polled");
            thread::yield_now();
        }
        let opener = gate.clone();
        thread::spawn(move || opener.open()).join().unwrap();
        assert!(
            done.recv_timeout(WAIT).is_ok(),
            "the task's waker was woken from another thread, but the task did not finish \
             within 2s: waking must make the task ready again, and a worker must poll it"
        );
        assert_eq!(
            gate.polls.load(SeqCst),
            2,
            "the task should be polled twice: once before the gate opened, once after"
        );
    });
}

/// Each poll wakes the waker from another thread, while the poll is still
/// running, and checks that no other poll of the same task is running.
struct WakeDuringPoll {
    polls: usize,
    in_poll: Arc<AtomicBool>,
    overlaps: Arc<AtomicUsize>,
}

impl Future for WakeDuringPoll {
    type Output = ();

    fn poll(mut self: std::pin::Pin<&mut Self>, cx: &mut std::task::Context<'_>) -> Poll<()> {
        if self.in_poll.swap(true, SeqCst) {
            self.overlaps.fetch_add(1, SeqCst);
        }
        self.polls += 1;
        let done = self.polls == 50;
        if !done {
            let waker = cx.waker().clone();
            thread::spawn(move || waker.wake()).join().unwrap();
            // Give another worker time to take the task, if it can.
            let until = Instant::now() + Duration::from_micros(200);
            while Instant::now() < until {
                std::hint::spin_loop();
            }
        }
        self.in_poll.store(false, SeqCst);
        if done { Poll::Ready(()) } else { Poll::Pending }
    }
}

#[test]
fn a_wake_up_during_a_poll_leads_to_one_more_poll_never_a_parallel_one() {
    within(LIMIT, || {
        let pool = ThreadPool::new(4);
        let overlaps = Arc::new(AtomicUsize::new(0));
        let (send, done) = mpsc::channel();
        let task = WakeDuringPoll {
            polls: 0,
            in_poll: Arc::default(),
            overlaps: overlaps.clone(),
        };
        pool.spawn(async move {
            task.await;
            send.send(()).unwrap();
        });
        let finished = done.recv_timeout(WAIT);
        assert_eq!(
            overlaps.load(SeqCst),
            0,
            "a task was polled by two workers at the same time: a wake-up during a poll \
             queued it, and another worker polled it while the first was still polling. \
             Keep a task from being polled twice at once (for example, hold its future's \
             lock for the whole poll)."
        );
        match finished {
            Ok(()) => {}
            Err(mpsc::RecvTimeoutError::Timeout) => panic!(
                "a task that wakes itself (from another thread) during each poll did not \
                 reach its 50th poll within 2s: a wake-up that arrives during a poll was \
                 lost. It must lead to another poll once this one is over."
            ),
            Err(mpsc::RecvTimeoutError::Disconnected) => panic!(
                "a task that wakes itself (from another thread) during each poll was dropped \
                 before its 50th poll. Likely cause: a wake-up that arrives during a poll \
                 found no future to poll (taken out of the task for the poll, or the task \
                 skipped because its lock was busy) and the task was let go. It must lead to \
                 another poll once this one is over."
            ),
        }
    });
}

/// Counts the worker threads that have exited: a thread-local value that
/// is dropped when its thread exits.
struct ExitGuard(Arc<AtomicUsize>);

impl Drop for ExitGuard {
    fn drop(&mut self) {
        self.0.fetch_add(1, SeqCst);
    }
}

thread_local! {
    static ON_EXIT: std::cell::RefCell<Option<ExitGuard>> = const { std::cell::RefCell::new(None) };
}

#[test]
fn drop_stops_the_workers_and_waits_for_them() {
    within(LIMIT, || {
        const WORKERS: usize = 2;
        let pool = ThreadPool::new(WORKERS);
        let exited = Arc::new(AtomicUsize::new(0));
        let arrived = Arc::new(AtomicUsize::new(0));
        let gate = Gate::default();
        for _ in 0..WORKERS {
            let (exited, arrived, wait) = (exited.clone(), arrived.clone(), gate.wait());
            pool.spawn(async move {
                // One task per worker: each notes when its worker exits.
                ON_EXIT.with(|slot| *slot.borrow_mut() = Some(ExitGuard(exited)));
                meet(&arrived, WORKERS);
                wait.await; // the gate opens only after the pool is gone
            });
        }
        let deadline = Instant::now() + WAIT;
        while gate.polls.load(SeqCst) < WORKERS {
            assert!(Instant::now() < deadline, "the tasks were never polled");
            thread::yield_now();
        }
        // One more task, in the middle of a long poll when the pool is dropped.
        let (in_poll, release) = (
            Arc::new(AtomicBool::new(false)),
            Arc::new(AtomicBool::new(false)),
        );
        let (entered, may_leave) = (in_poll.clone(), release.clone());
        pool.spawn(async move {
            entered.store(true, SeqCst);
            let deadline = Instant::now() + WAIT;
            while !may_leave.load(SeqCst) && Instant::now() < deadline {
                thread::yield_now();
            }
        });
        let deadline = Instant::now() + WAIT;
        while !in_poll.load(SeqCst) {
            assert!(Instant::now() < deadline, "the last task was never polled");
            thread::yield_now();
        }
        let (dropped, drop_done) = mpsc::channel();
        thread::spawn(move || {
            drop(pool);
            let _ = dropped.send(());
        });
        assert!(
            drop_done.recv_timeout(Duration::from_millis(100)).is_err(),
            "dropping the pool returned while a worker was still in the middle of polling a \
             task: the drop must wait for the workers to exit (join them), and a worker \
             finishes the poll it is in first"
        );
        release.store(true, SeqCst);
        assert!(
            drop_done.recv_timeout(WAIT).is_ok(),
            "dropping the pool did not return within 2s, with two tasks waiting for a wake-up \
             that never comes. Drop must not wait for tasks to finish; it must wake the \
             sleeping workers so that they see they must stop."
        );
        assert_eq!(
            exited.load(SeqCst),
            WORKERS,
            "dropping the pool returned, but not all {WORKERS} workers had exited: the drop \
             must stop the workers and wait for them (join)"
        );
        let polls = gate.polls.load(SeqCst);
        gate.open();
        thread::sleep(Duration::from_millis(50));
        assert_eq!(
            gate.polls.load(SeqCst),
            polls,
            "a task was polled after the pool was dropped"
        );
    });
}

/// Waits until `counter` reaches `n`, or fails with `what`.
fn wait_for(counter: &AtomicUsize, n: usize, what: &str) {
    let deadline = Instant::now() + WAIT;
    while counter.load(SeqCst) < n {
        assert!(Instant::now() < deadline, "{what}");
        thread::yield_now();
    }
}

/// How long a test gives the workers to go to sleep, or a wrong pool to do
/// what it must not. A thread cannot be told to fall asleep; it is given
/// time to, and a worker with nothing to do sleeps within microseconds.
const SETTLE: Duration = Duration::from_millis(20);

#[test]
fn dropping_an_idle_pool_wakes_its_sleeping_workers() {
    within(LIMIT, || {
        let pool = ThreadPool::new(2);
        let ran = Arc::new(AtomicUsize::new(0));
        let count = ran.clone();
        pool.spawn(async move {
            count.fetch_add(1, SeqCst);
        });
        wait_for(&ran, 1, "a spawned task was never polled");
        // Every worker is asleep, waiting for a task, by the time of the drop.
        thread::sleep(SETTLE);
        let (dropped, drop_done) = mpsc::channel();
        thread::spawn(move || {
            drop(pool);
            let _ = dropped.send(());
        });
        assert!(
            drop_done.recv_timeout(WAIT).is_ok(),
            "dropping an idle pool did not return within 2s: wake every sleeping worker so \
             it sees the stop flag, then join. Likely cause: the drop sets the flag but does \
             not notify the workers' wait (or wakes only one of them)."
        );
    });
}

#[test]
fn a_wake_up_reaches_a_pool_whose_workers_are_all_asleep() {
    within(LIMIT, || {
        let pool = ThreadPool::new(2);
        let gate = Gate::default();
        let (send, done) = mpsc::channel();
        let wait = gate.wait();
        pool.spawn(async move {
            wait.await;
            send.send(()).unwrap();
        });
        wait_for(&gate.polls, 1, "the task was never polled");
        // Open the gate only once both workers have gone to sleep.
        thread::sleep(SETTLE);
        let opener = gate.clone();
        thread::spawn(move || opener.open()).join().unwrap();
        assert!(
            done.recv_timeout(WAIT).is_ok(),
            "a task's waker was woken while every worker slept, and the task did not finish \
             within 2s. Likely cause: waking queues the task but wakes no sleeping worker \
             (notify the workers' wait whenever a task is queued)."
        );
    });
}

#[test]
fn a_finished_task_is_not_polled_again_even_if_woken() {
    within(LIMIT, || {
        let pool = ThreadPool::new(2);
        let polls = Arc::new(AtomicUsize::new(0));
        let (send, waker) = mpsc::channel::<Waker>();
        let count = polls.clone();
        pool.spawn(poll_fn(move |cx| {
            count.fetch_add(1, SeqCst);
            let _ = send.send(cx.waker().clone());
            Poll::Ready(())
        }));
        let waker = waker.recv_timeout(WAIT).expect("the task was never polled");
        waker.wake();
        // One more task, spawned after the wake-up: once it has run, a
        // worker has had every chance to poll the finished task again.
        let after = Arc::new(AtomicUsize::new(0));
        let ran = after.clone();
        pool.spawn(async move {
            ran.fetch_add(1, SeqCst);
        });
        wait_for(
            &after,
            1,
            "a task spawned after the wake-up was never polled",
        );
        thread::sleep(SETTLE);
        let polls = polls.load(SeqCst);
        assert_eq!(
            polls, 1,
            "a task returned Ready on its first poll, then its waker (kept by someone) was \
             woken; the task was polled {polls} times in all. A finished task must never be \
             polled again. Likely cause: the future stays in the task after Ready, so a \
             late wake-up queues it and a worker polls it again; let it go once it is Ready."
        );
        drop(pool);
    });
}

#[test]
fn a_queued_task_is_not_polled_once_the_drop_has_begun() {
    within(LIMIT, || {
        let pool = ThreadPool::new(1);
        let (in_poll, release) = (
            Arc::new(AtomicUsize::new(0)),
            Arc::new(AtomicBool::new(false)),
        );
        let (entered, may_leave) = (in_poll.clone(), release.clone());
        pool.spawn(async move {
            entered.fetch_add(1, SeqCst);
            let deadline = Instant::now() + WAIT;
            while !may_leave.load(SeqCst) && Instant::now() < deadline {
                thread::yield_now();
            }
        });
        wait_for(&in_poll, 1, "the first task was never polled");
        // The only worker is busy: this task stays in the queue.
        let queued = Arc::new(AtomicUsize::new(0));
        let count = queued.clone();
        pool.spawn(async move {
            count.fetch_add(1, SeqCst);
        });
        let (dropped, drop_done) = mpsc::channel();
        thread::spawn(move || {
            drop(pool);
            let _ = dropped.send(());
        });
        // Let the drop begin (it waits for the busy worker), then free the worker.
        thread::sleep(SETTLE);
        release.store(true, SeqCst);
        drop_done
            .recv_timeout(WAIT)
            .expect("dropping the pool did not return within 2s of its last poll ending");
        let polls = queued.load(SeqCst);
        assert_eq!(
            polls, 0,
            "a task was still queued when the pool was dropped, and a worker polled it during \
             the drop. Once the drop has begun, tasks are never polled again. Likely cause: \
             a worker takes the next task before it looks at the stop flag (or drains the \
             queue before it exits)."
        );
    });
}
