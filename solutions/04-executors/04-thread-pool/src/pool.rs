//! The pool: worker threads, the queue of ready tasks, the tasks' wakers.
//!
//! Why this works: ready tasks wait in one queue behind a `Mutex`, and
//! workers sleep on a `Condvar` while it is empty. A worker checks the
//! queue and goes to sleep under the same lock (`Condvar::wait` releases it
//! atomically), and `spawn`, a waker and `Drop` change the queue or the
//! `shutdown` flag under that lock before they notify, so no notification
//! can fall between a worker's check and its sleep. A task is an
//! `Arc<TaskCell>`; its waker is that `Arc`, and waking pushes it onto the
//! queue, so any worker can pick it up. The future sits in a `Mutex` inside
//! the cell, held for the whole poll: if the task is woken during a poll,
//! the worker that takes it from the queue waits for that poll to end and
//! then polls again, so the wake-up is not lost and no two workers poll it
//! at once. A finished task leaves `None` behind, and a late wake-up finds
//! nothing to poll. `Drop` sets `shutdown`, wakes every worker, and joins
//! them; a worker exits as soon as it sees the flag, so tasks are not
//! polled after the drop. The queue, which holds tasks and so their wakers'
//! reference to the shared state, is emptied on the way out.

use std::collections::VecDeque;
use std::future::Future;
use std::pin::Pin;
use std::sync::{Arc, Condvar, Mutex};
use std::task::{Context, Wake, Waker};
use std::thread::{self, JoinHandle};

/// A spawned task: `Send`, so that it can move between threads.
pub(crate) type Task = Pin<Box<dyn Future<Output = ()> + Send + 'static>>;

/// What the workers and the wakers share.
struct Shared {
    state: Mutex<State>,
    ready: Condvar,
}

struct State {
    queue: VecDeque<Arc<TaskCell>>,
    shutdown: bool,
}

/// One task, and its waker: waking it queues it.
struct TaskCell {
    /// `None` once the task has finished.
    future: Mutex<Option<Task>>,
    shared: Arc<Shared>,
}

impl Shared {
    fn push(&self, task: Arc<TaskCell>) {
        self.state.lock().unwrap().queue.push_back(task);
        self.ready.notify_one();
    }

    /// The next ready task, sleeping while there is none; `None` on
    /// shutdown.
    fn next(&self) -> Option<Arc<TaskCell>> {
        let mut state = self.state.lock().unwrap();
        loop {
            if state.shutdown {
                return None;
            }
            if let Some(task) = state.queue.pop_front() {
                return Some(task);
            }
            state = self.ready.wait(state).unwrap();
        }
    }
}

impl Wake for TaskCell {
    fn wake(self: Arc<Self>) {
        self.shared.clone().push(self);
    }

    fn wake_by_ref(self: &Arc<Self>) {
        self.shared.push(self.clone());
    }
}

/// The contract, which the tests check:
///
/// - `new(n)` starts `n` worker threads. While no task is ready they sleep:
///   no busy waiting.
/// - `spawn` makes the task ready and returns at once; a worker, never the
///   caller's thread, polls it.
/// - A ready task is polled by the next free worker. The pool runs up to `n`
///   tasks at the same time: `n` tasks that wait for each other (each
///   blocking its worker) all get through.
/// - A task is polled again only after its waker was woken, from any
///   thread, at any time: a wake-up that arrives while the task is being
///   polled leads to another poll after this one. A task is never polled
///   by two workers at once, and never after it returned `Ready`.
/// - Dropping the pool stops the workers: each finishes the poll it is in
///   (if any) and exits, and the drop returns once every worker has exited.
///   Tasks that have not finished are never polled again, even if woken.
pub(crate) struct Pool {
    shared: Arc<Shared>,
    workers: Vec<JoinHandle<()>>,
}

impl Pool {
    pub(crate) fn new(workers: usize) -> Pool {
        let shared = Arc::new(Shared {
            state: Mutex::new(State {
                queue: VecDeque::new(),
                shutdown: false,
            }),
            ready: Condvar::new(),
        });
        let workers = (0..workers)
            .map(|_| {
                let shared = shared.clone();
                thread::spawn(move || work(&shared))
            })
            .collect();
        Pool { shared, workers }
    }

    pub(crate) fn spawn(&self, task: Task) {
        let cell = Arc::new(TaskCell {
            future: Mutex::new(Some(task)),
            shared: self.shared.clone(),
        });
        self.shared.push(cell);
    }
}

/// A worker's loop: poll ready tasks until shutdown.
fn work(shared: &Shared) {
    while let Some(task) = shared.next() {
        let mut slot = task.future.lock().unwrap();
        let Some(future) = slot.as_mut() else {
            continue; // finished already: a late wake-up
        };
        let waker = Waker::from(task.clone());
        if future
            .as_mut()
            .poll(&mut Context::from_waker(&waker))
            .is_ready()
        {
            *slot = None;
        }
    }
}

impl Drop for Pool {
    fn drop(&mut self) {
        self.shared.state.lock().unwrap().shutdown = true;
        self.shared.ready.notify_all();
        for worker in self.workers.drain(..) {
            let _ = worker.join();
        }
        // Queued tasks hold the shared state: let them go.
        self.shared.state.lock().unwrap().queue.clear();
    }
}
