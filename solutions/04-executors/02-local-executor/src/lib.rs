//! A single-threaded executor: spawn tasks, then run them until none is
//! ready.
//!
//! Why this works: the run queue holds task ids, and it is the only thing
//! that decides what is polled: `spawn` stores the task and queues its id
//! without polling it, and a task's waker queues its id again, from any
//! thread (the queue is behind an `Arc<Mutex<_>>`, so the waker is `Send`
//! and `Sync`). `run_until_idle` takes ids from the front and queues at the
//! back, so tasks run in the order they became ready (FIFO), and it keeps
//! going until the queue is empty, so tasks spawned or woken during the run
//! run too. Before polling, the task is taken out of the task table, so a
//! task that spawns (which borrows the table) does not find it borrowed;
//! its `queued` flag is cleared before the poll, so a wake-up during the
//! poll queues it again, and set by the first wake-up after it, so several
//! wake-ups queue it once. A finished task is not put back: it is dropped
//! at once, and a later wake-up finds no task under its id and does nothing.

use std::cell::{Cell, RefCell};
use std::collections::{HashMap, VecDeque};
use std::future::Future;
use std::pin::Pin;
use std::rc::Rc;
use std::sync::atomic::{AtomicBool, Ordering::SeqCst};
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll, Wake, Waker};

/// A spawned task: a future with no output, boxed so that futures of
/// different types fit in one table.
type Task = Pin<Box<dyn Future<Output = ()>>>;

/// Ids of the tasks ready to be polled, in order. Wakers push onto it, from
/// any thread.
type RunQueue = Arc<Mutex<VecDeque<usize>>>;

/// A task's waker: waking it queues the task's id, once until its next poll.
struct TaskWaker {
    id: usize,
    queued: AtomicBool,
    queue: RunQueue,
}

impl Wake for TaskWaker {
    fn wake(self: Arc<Self>) {
        self.wake_by_ref();
    }

    fn wake_by_ref(self: &Arc<Self>) {
        if !self.queued.swap(true, SeqCst) {
            self.queue.lock().unwrap().push_back(self.id);
        }
    }
}

#[derive(Default)]
struct State {
    tasks: RefCell<HashMap<usize, (Task, Arc<TaskWaker>)>>,
    next_id: Cell<usize>,
    queue: RunQueue,
}

/// A single-threaded executor.
///
/// The contract, which the tests check:
///
/// - `spawn` hands a task to the executor and returns at once: the task is
///   not polled until `run_until_idle` gets to it.
/// - Tasks are polled in the order they became ready (first in, first out):
///   spawned tasks in the order they were spawned, a woken task after those
///   already waiting.
/// - A task is polled again only after its waker was woken, from any
///   thread; woken several times before its next poll, it is polled once.
/// - `run_until_idle` returns when no task is ready. Tasks spawned or woken
///   while it runs (by a task being polled, too) run before it returns.
///   Tasks still waiting stay alive; a later wake-up makes them ready for
///   the next `run_until_idle`.
/// - A finished task is dropped at once and never polled again, even if its
///   waker is woken later.
///
/// Clones are handles to the same executor: tasks can hold one to spawn
/// more tasks.
#[derive(Clone, Default)]
pub struct LocalExecutor {
    state: Rc<State>,
}

impl LocalExecutor {
    pub fn new() -> Self {
        Self::default()
    }

    /// Hands `task` to the executor; it runs in a later `run_until_idle`.
    pub fn spawn(&self, task: impl Future<Output = ()> + 'static) {
        let id = self.state.next_id.get();
        self.state.next_id.set(id + 1);
        let waker = Arc::new(TaskWaker {
            id,
            queued: AtomicBool::new(true),
            queue: self.state.queue.clone(),
        });
        self.state
            .tasks
            .borrow_mut()
            .insert(id, (Box::pin(task), waker));
        self.state.queue.lock().unwrap().push_back(id);
    }

    /// Polls ready tasks, one at a time and in order, until none is ready.
    pub fn run_until_idle(&self) {
        loop {
            // One statement: the queue's lock is released before the poll.
            let Some(id) = self.state.queue.lock().unwrap().pop_front() else {
                return;
            };
            // Out of the table while it runs, so that it can spawn.
            let Some((mut task, waker)) = self.state.tasks.borrow_mut().remove(&id) else {
                continue; // finished earlier: a late wake-up
            };
            waker.queued.store(false, SeqCst);
            let cx_waker = Waker::from(waker.clone());
            let poll = task.as_mut().poll(&mut Context::from_waker(&cx_waker));
            if poll == Poll::Pending {
                self.state.tasks.borrow_mut().insert(id, (task, waker));
            }
        }
    }
}
