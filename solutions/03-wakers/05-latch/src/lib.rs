//! A countdown latch: any number of tasks wait until a count, lowered from
//! any thread, reaches zero.
//!
//! Why this works: the count and every waiter's latest waker live in one
//! `Mutex<State>`, so a waiter's `poll` reads the count and registers its
//! waker in one step that `count_down` cannot cut in half: either the poll
//! sees zero and returns `Ready`, or its waker is in the map before the
//! count can reach zero, and the `count_down` that gets it there takes the
//! whole map. Each waiter owns one slot, found by a key that is never
//! reused, and a poll overwrites its slot only when the new waker would not
//! wake the same task (`will_wake`), so a waiter that moved is woken through
//! its latest waker only, and a waiter that stayed costs no clone. At zero,
//! `count_down` empties the map under the lock and wakes every waker by
//! value after releasing it: each waiter is woken exactly once, the woken
//! tasks do not queue on the lock, and no waker is kept. A later
//! `count_down` finds zero and does nothing. `Drop` removes a waiter's slot,
//! so a waiter that gives up (in a `select!`, say) leaves nothing behind;
//! one that returned `Ready` has no slot left. `poll` decides from the count
//! alone, never from having been woken, so a spurious poll is `Pending`
//! again and no waiter wakes itself.

use std::collections::HashMap;
use std::future::Future;
use std::mem;
use std::pin::Pin;
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll, Waker};

/// A count that tasks wait on until it reaches zero.
///
/// - `Latch::new(n)` starts at `n`. Clones of a latch share one count.
/// - [`Latch::count_down`] lowers the count by one, from any thread; at
///   zero it does nothing more.
/// - [`Latch::wait`] returns a future, a *waiter*, that is `Ready(())` once
///   the count is zero. Any number of waiters may wait at once, on any
///   tasks and threads.
///
/// The waiters' wakers:
///
/// - while the count is above zero, a waiter's `poll` returns `Pending` and
///   does not wake its own waker;
/// - when the count reaches zero, every waiter that is `Pending` has the
///   waker of its *latest* poll woken, exactly once; wakers from earlier
///   polls of that waiter are not woken;
/// - no timing loses a wake-up: if the count reaches zero on another thread
///   while a waiter is being polled, that poll returns `Ready` or its waker
///   is woken;
/// - a waiter polled again with a waker that wakes the same task as the
///   one it registered does not clone it again;
/// - nothing is kept that is no longer needed: a waiter that is dropped, or
///   that has returned `Ready`, leaves no clone of its wakers behind, and
///   once the count is zero the latch keeps no waker at all;
/// - wakers are woken with no lock held: a woken task may poll its waiter
///   at once, even inside `wake`.
#[derive(Clone)]
pub struct Latch {
    state: Arc<Mutex<State>>,
}

/// What a latch, its clones and its waiters share.
struct State {
    count: usize,
    /// The key the next waiter to register gets.
    next_key: u64,
    /// The latest waker of each waiter that is waiting, by key.
    wakers: HashMap<u64, Waker>,
}

/// A future that is `Ready` once its latch's count is zero.
pub struct Wait {
    state: Arc<Mutex<State>>,
    /// This waiter's slot in `State::wakers`, once it has registered.
    key: Option<u64>,
}

impl Latch {
    /// A latch whose count starts at `count`.
    pub fn new(count: usize) -> Latch {
        let state = State {
            count,
            next_key: 0,
            wakers: HashMap::new(),
        };
        Latch {
            state: Arc::new(Mutex::new(state)),
        }
    }

    /// Lowers the count by one; wakes every waiter when it reaches zero.
    /// Does nothing once the count is zero.
    pub fn count_down(&self) {
        let wakers = {
            let mut state = self.state.lock().unwrap();
            if state.count == 0 {
                return;
            }
            state.count -= 1;
            if state.count > 0 {
                return;
            }
            mem::take(&mut state.wakers)
        };
        // The count is zero and published (the lock was released after it
        // was set), so every task woken here finds its waiter Ready.
        for waker in wakers.into_values() {
            waker.wake();
        }
    }

    /// The current count.
    pub fn count(&self) -> usize {
        self.state.lock().unwrap().count
    }

    /// A new waiter: a future that is `Ready` once the count is zero.
    pub fn wait(&self) -> Wait {
        Wait {
            state: self.state.clone(),
            key: None,
        }
    }
}

impl Future for Wait {
    type Output = ();

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        let this = &mut *self;
        let mut state = this.state.lock().unwrap();
        if state.count == 0 {
            // `count_down` took every waker when it reached zero; a waiter
            // that never registered has nothing to remove.
            this.key = None;
            return Poll::Ready(());
        }
        let key = *this.key.get_or_insert_with(|| {
            let key = state.next_key;
            state.next_key += 1;
            key
        });
        match state.wakers.get_mut(&key) {
            // Same task as last time: keep the waker we have, no clone.
            Some(stored) if stored.will_wake(cx.waker()) => {}
            Some(stored) => *stored = cx.waker().clone(),
            None => {
                state.wakers.insert(key, cx.waker().clone());
            }
        }
        Poll::Pending
    }
}

impl Drop for Wait {
    fn drop(&mut self) {
        if let Some(key) = self.key {
            // A poisoned lock means a panic elsewhere already; the slot is
            // dropped with the state then.
            if let Ok(mut state) = self.state.lock() {
                state.wakers.remove(&key);
            }
        }
    }
}
