use std::any::Any;
use std::future::Future;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::pin::Pin;
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll, Waker};
use std::thread;
use std::time::Duration;

use local_executor::LocalExecutor;
use workbook_support::{Scripted, Trace, within};

const LIMIT: Duration = Duration::from_secs(5);

/// Runs the executor, explaining a panic that comes out of it.
fn run(executor: &LocalExecutor) {
    if let Err(panic) = catch_unwind(AssertUnwindSafe(|| executor.run_until_idle())) {
        let message = panic_message(&*panic);
        panic!(
            "run_until_idle panicked: {message}\n\
             If it says \"already borrowed\" or \"already mutably borrowed\": a task spawned \
             (or woke a task) while your executor held a borrow of its task list. Do not \
             keep the list borrowed while a task is polled."
        );
    }
}

fn panic_message(panic: &(dyn Any + Send)) -> String {
    match (panic.downcast_ref::<&str>(), panic.downcast_ref::<String>()) {
        (Some(s), _) => (*s).to_owned(),
        (_, Some(s)) => s.clone(),
        _ => "(not a string)".to_owned(),
    }
}

/// `Pending` once, with a wake-up already arranged, then `Ready`: gives
/// the other ready tasks a turn.
struct YieldNow(bool);

impl Future for YieldNow {
    type Output = ();

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        if self.0 {
            return Poll::Ready(());
        }
        self.0 = true;
        cx.waker().wake_by_ref();
        Poll::Pending
    }
}

fn yield_now() -> YieldNow {
    YieldNow(false)
}

/// A future that is `Pending` until its gate is opened, possibly from
/// another thread. Counts its polls.
#[derive(Clone, Default)]
struct Gate {
    state: Arc<Mutex<GateState>>,
}

#[derive(Default)]
struct GateState {
    open: bool,
    polls: usize,
    waker: Option<Waker>,
}

impl Gate {
    fn open(&self) {
        let waker = {
            let mut state = self.state.lock().unwrap();
            state.open = true;
            state.waker.take()
        };
        if let Some(waker) = waker {
            waker.wake();
        }
    }

    fn polls(&self) -> usize {
        self.state.lock().unwrap().polls
    }

    /// A future that waits for the gate.
    fn wait(&self) -> impl Future<Output = ()> + 'static {
        let gate = self.clone();
        std::future::poll_fn(move |cx| {
            let mut state = gate.state.lock().unwrap();
            state.polls += 1;
            if state.open {
                Poll::Ready(())
            } else {
                state.waker = Some(cx.waker().clone());
                Poll::Pending
            }
        })
    }
}

#[test]
fn spawn_queues_the_task_without_polling_it() {
    within(LIMIT, || {
        let trace = Trace::new();
        let executor = LocalExecutor::new();
        let log = trace.clone();
        executor.spawn(async move { log.push("task runs") });
        assert_eq!(
            trace.events(),
            Vec::<String>::new(),
            "spawn polled the task at once; a spawned task must wait in the queue until \
             run_until_idle gets to it"
        );
        run(&executor);
        assert_eq!(
            trace.events(),
            ["task runs"],
            "run_until_idle should have run the spawned task exactly once"
        );
    });
}

/// Task a spawns c and yields; b yields; c runs. Each step is logged.
fn spawn_and_yield(executor: &LocalExecutor, trace: &Trace) {
    let (log, spawner) = (trace.clone(), executor.clone());
    executor.spawn(async move {
        log.push("a: start");
        let c_log = log.clone();
        spawner.spawn(async move { c_log.push("c: runs") });
        log.push("a: spawned c, yields");
        yield_now().await;
        log.push("a: resumed, done");
    });
    let log = trace.clone();
    executor.spawn(async move {
        log.push("b: start, yields");
        yield_now().await;
        log.push("b: resumed, done");
    });
}

#[test]
fn runs_ready_tasks_first_in_first_out() {
    let trace = Trace::new();
    let events = trace.clone();
    within(LIMIT, move || {
        let executor = LocalExecutor::new();
        spawn_and_yield(&executor, &trace);
        trace.push("run_until_idle starts");
        run(&executor);
        trace.push("run_until_idle returned");
    });
    insta::with_settings!({
        description => "Expected: a, b and c run in the order they became ready. c is spawned \
            by a, so it waits behind b; a and b yield, so they wait behind c. If c runs before \
            `a: spawned c`, spawn polled it at once; if the order is otherwise different, the \
            queue is not first in, first out (a stack, or new tasks pushed to the front).",
    }, {
        insta::assert_snapshot!(events.render());
    });
}

#[test]
fn polls_a_task_again_only_after_a_wake_up() {
    within(LIMIT, || {
        let executor = LocalExecutor::new();
        let gate = Gate::default();
        executor.spawn(gate.wait());
        // Another task keeps the executor busy for a while.
        executor.spawn(async {
            for _ in 0..3 {
                yield_now().await;
            }
        });
        run(&executor);
        run(&executor);
        assert_eq!(
            gate.polls(),
            1,
            "a task waiting for a wake-up was polled {} times in two runs, while another task \
             yielded three times; it must be polled once, then only again after its waker is \
             woken (are you polling every task, ready or not?)",
            gate.polls()
        );
        let opener = gate.clone();
        thread::spawn(move || opener.open())
            .join()
            .expect("the other thread panicked");
        run(&executor);
        assert_eq!(
            gate.polls(),
            2,
            "its waker was woken from another thread, so the next run_until_idle must poll it \
             once more; it was polled {} times in all (did run_until_idle drop waiting tasks, \
             or does the waker not queue the task?)",
            gate.polls()
        );
    });
}

#[test]
fn several_wake_ups_before_a_poll_queue_the_task_once() {
    within(LIMIT, || {
        let trace = Trace::new();
        let executor = LocalExecutor::new();
        let log = trace.clone();
        // Poll 1 wakes three times; later polls wait for a wake-up that
        // never comes.
        executor.spawn(std::future::poll_fn(move |cx| {
            let poll = log.count(|_| true) + 1;
            log.push(format!("poll {poll}"));
            if poll == 1 {
                for _ in 0..3 {
                    cx.waker().wake_by_ref();
                }
            }
            Poll::<()>::Pending
        }));
        run(&executor);
        assert_eq!(
            trace.events(),
            ["poll 1", "poll 2"],
            "a task woken 3 times during one poll is ready once: it must be polled once \
             more, not once per wake-up. Queue a woken task only if it is not queued already."
        );
    });
}

#[test]
fn a_wake_up_during_the_poll_is_not_lost() {
    within(LIMIT, || {
        let executor = LocalExecutor::new();
        let trace = Trace::new();
        executor.spawn(Scripted::new("task", &trace, 3, ()));
        run(&executor);
        assert_eq!(
            trace.count(|e| e.starts_with("  task: Ready")),
            1,
            "the task woke itself during each of its polls and should have finished within \
             one run_until_idle; it got to:\n{}Likely cause: a task woken while run_until_idle \
             runs is not polled before it returns: a wake-up during the poll was dropped (a \
             \"queued\" mark cleared after the poll instead of before it, or wake-ups ignored \
             while the task is out for its poll), or the loop polls only the tasks that were \
             queued when it started.",
            trace.render()
        );
    });
}

#[test]
fn a_finished_task_is_dropped_and_never_polled_again() {
    within(LIMIT, || {
        let executor = LocalExecutor::new();
        let trace = Trace::new();
        let kept = Arc::new(Mutex::new(None::<Waker>));
        let keep = kept.clone();
        let done = Scripted::new("task", &trace, 1, ()).trace_drop();
        let mut done = Box::pin(done);
        executor.spawn(std::future::poll_fn(move |cx| {
            *keep.lock().unwrap() = Some(cx.waker().clone());
            done.as_mut().poll(cx)
        }));
        run(&executor);
        assert_eq!(
            trace.count(|e| e.starts_with("  task: Ready")),
            1,
            "the task woke itself during its first poll (Pending), so it should have been \
             polled again, and finished, before run_until_idle returned; the trace was:\n{}\
             Likely cause: a task woken while run_until_idle runs is not polled before it \
             returns (the loop polls only the tasks queued when it started, or a wake-up that \
             arrives during the task's own poll is dropped).",
            trace.render()
        );
        assert_eq!(
            trace.events().last().map(String::as_str),
            Some("  task: dropped"),
            "a finished task must be dropped as soon as it is Ready; the trace was:\n{}",
            trace.render()
        );
        let waker = kept
            .lock()
            .unwrap()
            .take()
            .expect("the task kept its waker");
        waker.wake();
        run(&executor);
        assert_eq!(
            trace.count(|e| e.contains("polled after completion")),
            0,
            "waking the waker of a finished task must do nothing"
        );
    });
}

#[test]
fn many_tasks_each_run_to_completion() {
    within(LIMIT, || {
        let executor = LocalExecutor::new();
        let trace = Trace::new();
        for n in 0..100 {
            let log = trace.clone();
            executor.spawn(async move {
                for _ in 0..n % 4 {
                    yield_now().await;
                }
                log.push(format!("{n}"));
            });
        }
        run(&executor);
        let done = trace.events();
        assert_eq!(
            done.len(),
            100,
            "100 spawned tasks should all finish in one run_until_idle; {} did",
            done.len()
        );
        let first: Vec<_> = done.iter().take(3).map(String::as_str).collect();
        assert_eq!(
            first,
            ["0", "4", "8"],
            "tasks that never wait finish first, in the order they were spawned"
        );
    });
}
