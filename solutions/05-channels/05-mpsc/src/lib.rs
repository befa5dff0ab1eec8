//! An unbounded multi-producer, single-consumer channel, from scratch.
//!
//! Why this works: the channel is one `Mutex<State>`: a FIFO queue, the
//! number of live senders, whether the receiver is alive, and the waker of
//! the receiver's latest `Pending` poll. Every send pushes to the back and
//! every receive pops from the front under that one lock, so no value is
//! lost or duplicated and each sender's values keep their order, whatever
//! the threads do. `poll_recv` checks the queue and the sender count and
//! stores its waker under the same lock, so a `send` or a last `drop` that
//! happens after the check sees the waker and wakes it: no wake-up is lost.
//! `Clone` counts a sender in and `Drop` counts it out; only the drop that
//! brings the count to zero ends the channel, and it wakes the receiver so
//! a waiting `recv` returns `None`. The queue is drained before the count
//! is consulted, so values sent before the end are all received. Wakers are
//! woken after the lock is released.

use std::collections::VecDeque;
use std::sync::{Arc, Mutex, MutexGuard};
use std::task::{Context, Poll, Waker};

struct State<T> {
    queue: VecDeque<T>,
    senders: usize,
    receiver_alive: bool,
    waker: Option<Waker>,
}

struct Shared<T> {
    state: Mutex<State<T>>,
}

impl<T> Shared<T> {
    fn lock(&self) -> MutexGuard<'_, State<T>> {
        self.state.lock().unwrap()
    }
}

/// A new unbounded channel: any number of senders (clone the `Sender`),
/// one receiver.
///
/// - Every value sent is received exactly once, and the values of each
///   sender arrive in the order that sender sent them, however many
///   threads send at once.
/// - The channel ends when the last sender (the original and every clone)
///   is dropped: the receiver then gets every value still in the channel,
///   and after them `None`.
/// - Once the receiver is dropped, `send` hands the value back as `Err`.
pub fn channel<T>() -> (Sender<T>, Receiver<T>) {
    let shared = Arc::new(Shared {
        state: Mutex::new(State {
            queue: VecDeque::new(),
            senders: 1,
            receiver_alive: true,
            waker: None,
        }),
    });
    let sender = Sender {
        shared: shared.clone(),
    };
    (sender, Receiver { shared })
}

/// Sends values into the channel, from any thread. Clone it for more
/// senders.
pub struct Sender<T> {
    shared: Arc<Shared<T>>,
}

/// Receives the values, in a task.
pub struct Receiver<T> {
    shared: Arc<Shared<T>>,
}

impl<T> Sender<T> {
    /// Puts `value` in the channel at once (never waits), and wakes the
    /// receiver if it is waiting. `Err(value)` if the receiver is gone.
    pub fn send(&self, value: T) -> Result<(), T> {
        let waker = {
            let mut state = self.shared.lock();
            if !state.receiver_alive {
                return Err(value);
            }
            state.queue.push_back(value);
            state.waker.take()
        };
        if let Some(waker) = waker {
            waker.wake();
        }
        Ok(())
    }
}

impl<T> Clone for Sender<T> {
    /// Another sender for the same channel.
    fn clone(&self) -> Self {
        self.shared.lock().senders += 1;
        Sender {
            shared: self.shared.clone(),
        }
    }
}

impl<T> Drop for Sender<T> {
    fn drop(&mut self) {
        let waker = {
            let mut state = self.shared.lock();
            state.senders -= 1;
            if state.senders > 0 {
                return; // another sender can still send
            }
            state.waker.take()
        };
        if let Some(waker) = waker {
            waker.wake(); // the channel has ended: `recv` returns `None`
        }
    }
}

impl<T> Receiver<T> {
    /// `Ready(Some(value))`: the oldest value in the channel.
    /// `Ready(None)`: the channel is empty and every sender is gone.
    /// `Pending`: the channel is empty and a sender is alive; the waker of
    /// this poll, the latest, is woken when either changes, from any
    /// thread. Never blocks, never wakes itself while it waits.
    pub fn poll_recv(&mut self, cx: &mut Context<'_>) -> Poll<Option<T>> {
        let mut state = self.shared.lock();
        if let Some(value) = state.queue.pop_front() {
            return Poll::Ready(Some(value));
        }
        if state.senders == 0 {
            return Poll::Ready(None);
        }
        match &mut state.waker {
            Some(waker) if waker.will_wake(cx.waker()) => {}
            slot => *slot = Some(cx.waker().clone()),
        }
        Poll::Pending
    }

    /// The next value, or `None` once the channel has ended.
    pub async fn recv(&mut self) -> Option<T> {
        std::future::poll_fn(|cx| self.poll_recv(cx)).await
    }
}

impl<T> Drop for Receiver<T> {
    fn drop(&mut self) {
        let unread = {
            let mut state = self.shared.lock();
            state.receiver_alive = false;
            std::mem::take(&mut state.queue)
        };
        // Dropped after the lock is released: a value's own `drop` may
        // use this channel (a value that holds a sender of it, say).
        drop(unread);
    }
}
