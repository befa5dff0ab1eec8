//! The executor that runs the tasks: single-threaded, first in, first out.
//! It is complete; `spawn` in `lib.rs` builds on it.

use std::cell::{Cell, RefCell};
use std::collections::{HashMap, VecDeque};
use std::future::Future;
use std::pin::Pin;
use std::rc::Rc;
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll, Wake, Waker};

type Task = Pin<Box<dyn Future<Output = ()>>>;
type RunQueue = Arc<Mutex<VecDeque<usize>>>;

struct TaskWaker {
    id: usize,
    queue: RunQueue,
}

impl Wake for TaskWaker {
    fn wake(self: Arc<Self>) {
        self.wake_by_ref();
    }

    fn wake_by_ref(self: &Arc<Self>) {
        let mut queue = self.queue.lock().unwrap();
        if !queue.contains(&self.id) {
            queue.push_back(self.id);
        }
    }
}

#[derive(Default)]
struct State {
    tasks: RefCell<HashMap<usize, Task>>,
    next_id: Cell<usize>,
    queue: RunQueue,
}

/// A single-threaded executor. Clones are handles to the same executor.
///
/// A task that panics while it is polled makes `run_until_idle` panic.
#[derive(Clone, Default)]
pub struct Executor {
    state: Rc<State>,
}

impl Executor {
    pub fn new() -> Self {
        Self::default()
    }

    /// Queues `task`; it runs in a later `run_until_idle`. Nothing gets its
    /// output: it runs on its own ("detached").
    pub fn spawn_detached(&self, task: impl Future<Output = ()> + 'static) {
        let id = self.state.next_id.get();
        self.state.next_id.set(id + 1);
        self.state.tasks.borrow_mut().insert(id, Box::pin(task));
        self.state.queue.lock().unwrap().push_back(id);
    }

    /// Polls ready tasks, in the order they became ready, until none is
    /// ready. A task is ready when it is spawned and when its waker is
    /// woken.
    pub fn run_until_idle(&self) {
        loop {
            let Some(id) = self.state.queue.lock().unwrap().pop_front() else {
                return;
            };
            let Some(mut task) = self.state.tasks.borrow_mut().remove(&id) else {
                continue;
            };
            let waker = Waker::from(Arc::new(TaskWaker {
                id,
                queue: self.state.queue.clone(),
            }));
            if task.as_mut().poll(&mut Context::from_waker(&waker)) == Poll::Pending {
                self.state.tasks.borrow_mut().insert(id, task);
            }
        }
    }

    /// How many tasks are alive: not finished, not dropped.
    pub fn tasks(&self) -> usize {
        self.state.tasks.borrow().len()
    }
}
