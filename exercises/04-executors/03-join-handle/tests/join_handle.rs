use std::cell::RefCell;
use std::future::{Future, poll_fn};
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::pin::pin;
use std::rc::Rc;
use std::sync::{Arc, Mutex};
use std::task::{Poll, Waker};
use std::thread;
use std::time::Duration;

use join_handle::{Executor, JoinError, JoinHandle, spawn};
use workbook_support::{Driver, Trace, within};

const LIMIT: Duration = Duration::from_secs(5);

/// Runs the executor; a panic that comes out of it means a task's panic
/// was not caught.
fn run(executor: &Executor) {
    let outcome = catch_unwind(AssertUnwindSafe(|| executor.run_until_idle()));
    assert!(
        outcome.is_ok(),
        "a task's panic came out of run_until_idle (see the panic above). The panic must \
         stop at the task: catch it where the task's future is polled, and hand \
         Err(JoinError::Panicked) to the handle."
    );
}

/// What a task awaiting a handle got, once it got it.
type Got<T> = Rc<RefCell<Option<Result<T, JoinError>>>>;

/// Spawns a task that awaits `handle` and keeps what it gets.
fn await_in_a_task<T: 'static>(executor: &Executor, handle: JoinHandle<T>) -> Got<T> {
    let got: Got<T> = Rc::default();
    let keep = got.clone();
    executor.spawn_detached(async move {
        let result = handle.await;
        *keep.borrow_mut() = Some(result);
    });
    got
}

/// A future that is `Pending` until its gate is opened, possibly from
/// another thread, or forever. It traces its polls and its drop.
#[derive(Clone)]
struct Gate {
    name: &'static str,
    trace: Trace,
    state: Arc<Mutex<(bool, Option<Waker>)>>,
}

impl Gate {
    fn new(name: &'static str, trace: &Trace) -> Self {
        Gate {
            name,
            trace: trace.clone(),
            state: Arc::default(),
        }
    }

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

    /// Waits for the gate, then outputs `output`.
    fn wait<T: Unpin + 'static>(&self, output: T) -> impl Future<Output = T> + 'static {
        let gate = self.clone();
        let mut output = Some(output);
        let guard = DropTrace(self.name, self.trace.clone());
        poll_fn(move |cx| {
            let _keep = &guard;
            gate.trace.push(format!("{}: polled", gate.name));
            let mut state = gate.state.lock().unwrap();
            if state.0 {
                Poll::Ready(output.take().expect("polled after Ready"))
            } else {
                state.1 = Some(cx.waker().clone());
                Poll::Pending
            }
        })
    }
}

struct DropTrace(&'static str, Trace);

impl Drop for DropTrace {
    fn drop(&mut self) {
        self.1.push(format!("{}: dropped", self.0));
    }
}

#[test]
fn a_task_runs_even_if_its_handle_is_never_polled() {
    within(LIMIT, || {
        let trace = Trace::new();
        let executor = Executor::new();
        let log = trace.clone();
        let handle = spawn(&executor, async move {
            log.push("task: ran");
        });
        run(&executor);
        assert_eq!(
            trace.count(|e| e == "task: ran"),
            1,
            "a spawned task whose handle was kept but never polled did not run in \
             run_until_idle. The task runs whether or not anybody polls its handle. Likely \
             cause: spawn hands the task to the executor only when the handle is first \
             polled (a lazy start); hand it over in spawn itself."
        );
        drop(handle);
    });
}

#[test]
fn the_handle_gives_the_output() {
    within(LIMIT, || {
        let executor = Executor::new();
        let handle = spawn(&executor, async { 6 * 7 });
        let got = await_in_a_task(&executor, handle);
        run(&executor);
        assert_eq!(
            got.take(),
            Some(Ok(42)),
            "a task awaiting the handle of a task that outputs 42 should get Ok(42)"
        );
    });
}

#[test]
fn the_awaiting_task_is_woken_when_the_task_finishes() {
    within(LIMIT, || {
        let trace = Trace::new();
        let executor = Executor::new();
        let gate = Gate::new("task", &trace);
        let handle = spawn(&executor, gate.wait("output"));
        let got = await_in_a_task(&executor, handle);
        run(&executor);
        assert_eq!(
            got.borrow().as_ref(),
            None,
            "the task has not finished yet, so awaiting its handle must be Pending"
        );
        let opener = gate.clone();
        thread::spawn(move || opener.open()).join().unwrap();
        run(&executor);
        assert_eq!(
            got.take(),
            Some(Ok("output")),
            "the spawned task finished, but the task awaiting its handle never got the \
             output: it was not woken. When the task ends, wake the waker from the \
             handle's latest poll."
        );
    });
}

#[test]
fn wakes_the_waker_of_the_latest_poll() {
    within(LIMIT, || {
        let trace = Trace::new();
        let executor = Executor::new();
        let gate = Gate::new("task", &trace);
        let mut handle = pin!(spawn(&executor, gate.wait(1)));
        let mut first = Driver::new("the handle, in a first task");
        let mut second = Driver::new("the handle, in a second task");
        assert!(first.poll(handle.as_mut()).is_pending(), "not finished yet");
        assert!(
            second.poll(handle.as_mut()).is_pending(),
            "not finished yet"
        );
        run(&executor);
        gate.open();
        run(&executor);
        assert_eq!(
            (first.wakes(), second.wakes()),
            (0, 1),
            "(wakes of the waker from the first poll, from the second): when the task ends, \
             wake the waker of the handle's latest poll, once"
        );
        assert_eq!(
            second.poll(handle.as_mut()),
            Poll::Ready(Ok(1)),
            "after the task finished, the handle must be Ready with its output"
        );
    });
}

#[test]
fn a_handle_polled_after_the_end_is_ready_at_once() {
    within(LIMIT, || {
        let executor = Executor::new();
        let mut handle = pin!(spawn(&executor, async { "early" }));
        run(&executor);
        let mut driver = Driver::new("the handle of a finished task");
        assert_eq!(
            driver.poll(handle.as_mut()),
            Poll::Ready(Ok("early")),
            "the task finished before its handle was first polled: the handle must be Ready \
             on that first poll (keep the output until the handle takes it)"
        );
    });
}

#[test]
fn a_panic_reaches_the_handle_and_other_tasks_run_on() {
    within(LIMIT, || {
        let executor = Executor::new();
        let trace = Trace::new();
        let gate = Gate::new("panicking task", &trace);
        let wait = gate.wait(());
        let handle = spawn(&executor, async move {
            wait.await;
            panic!("this task panics on purpose");
        });
        let got = await_in_a_task(&executor, handle);
        let after = Trace::new();
        let log = after.clone();
        let later = spawn(&executor, async move { log.push("a later task ran") });
        let later = await_in_a_task(&executor, later);
        run(&executor);
        gate.open();
        run(&executor);
        assert_eq!(
            got.take(),
            Some(Err(JoinError::Panicked)),
            "the task awaiting the handle of a task that panicked should get \
             Err(JoinError::Panicked), and be woken for it"
        );
        assert_eq!(
            later.take(),
            Some(Ok(())),
            "another task should run to the end, whatever the panic"
        );
    });
}

#[test]
fn abort_before_the_first_poll_drops_the_task_unpolled() {
    within(LIMIT, || {
        let trace = Trace::new();
        let executor = Executor::new();
        let gate = Gate::new("task", &trace);
        let handle = spawn(&executor, gate.wait(()));
        handle.abort();
        let got = await_in_a_task(&executor, handle);
        run(&executor);
        assert_eq!(
            trace.events(),
            ["task: dropped"],
            "a task aborted before it ran must be dropped without being polled"
        );
        assert_eq!(
            got.take(),
            Some(Err(JoinError::Cancelled)),
            "awaiting the handle of an aborted task gives Err(JoinError::Cancelled)"
        );
    });
}

#[test]
fn abort_wakes_and_drops_a_waiting_task() {
    within(LIMIT, || {
        let trace = Trace::new();
        let executor = Executor::new();
        let gate = Gate::new("task", &trace);
        let handle = spawn(&executor, gate.wait(()));
        let mut handle = pin!(handle);
        let mut driver = Driver::new("the handle of an aborted task");
        run(&executor);
        assert!(
            driver.poll(handle.as_mut()).is_pending(),
            "not finished yet"
        );
        handle.abort();
        run(&executor);
        assert_eq!(
            trace.events(),
            ["task: polled", "task: dropped"],
            "after abort and one run_until_idle, the task (waiting for a gate nobody will \
             open) must be dropped, without another poll. If it was not dropped, abort did \
             not make the executor look at the task again: nothing else will wake it."
        );
        assert_eq!(
            driver.wakes(),
            1,
            "the handle was polled before the abort, so its waker must be woken once when \
             the task is cancelled"
        );
        assert_eq!(
            driver.poll(handle.as_mut()),
            Poll::Ready(Err(JoinError::Cancelled)),
            "awaiting the handle of an aborted task gives Err(JoinError::Cancelled)"
        );
        assert_eq!(executor.tasks(), 0, "no task should be left alive");
    });
}

#[test]
fn abort_after_the_end_keeps_the_output() {
    within(LIMIT, || {
        let executor = Executor::new();
        let handle = spawn(&executor, async { 7 });
        run(&executor);
        handle.abort();
        let got = await_in_a_task(&executor, handle);
        run(&executor);
        assert_eq!(
            got.take(),
            Some(Ok(7)),
            "aborting a task that already finished changes nothing: its handle still gives \
             the output"
        );
    });
}

#[test]
fn dropping_the_handle_detaches_the_task() {
    within(LIMIT, || {
        let trace = Trace::new();
        let executor = Executor::new();
        let gate = Gate::new("task", &trace);
        let wait = gate.wait(());
        let log = trace.clone();
        {
            let _handle = spawn(&executor, async move {
                wait.await;
                log.push("task: finished");
            });
            run(&executor);
        } // the handle is dropped here
        gate.open();
        run(&executor);
        assert_eq!(
            trace.count(|e| e == "task: finished"),
            1,
            "dropping the handle must not cancel the task: it runs to the end anyway \
             (detached). The trace was:\n{}",
            trace.render()
        );
    });
}
