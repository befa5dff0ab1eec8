//! A oneshot channel: one value, sent once, from one sender to one receiver.

use std::future::Future;
use std::pin::Pin;
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll, Waker};

#[allow(dead_code)] // TODO: remove this line once the halves use the state.
// ANCHOR: state
/// What the two halves share: the channel is this state, behind a lock.
/// Add or change fields as you need.
struct State<T> {
    /// The value, between `send` and the receiver taking it.
    value: Option<T>,
    /// The waker of the receiver's latest `Pending` poll.
    waker: Option<Waker>,
}
// ANCHOR_END: state

/// The receiver's answer when the sender was dropped without sending.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Canceled;

/// Sends one value. `send` takes `self`: a sender can send only once.
pub struct Sender<T> {
    state: Arc<Mutex<State<T>>>,
}

/// A future of the one value the sender sends.
pub struct Receiver<T> {
    state: Arc<Mutex<State<T>>>,
}

/// A new oneshot channel: send on the `Sender`, await the `Receiver`.
pub fn channel<T>() -> (Sender<T>, Receiver<T>) {
    let state = Arc::new(Mutex::new(State {
        value: None,
        waker: None,
    }));
    let sender = Sender {
        state: state.clone(),
    };
    (sender, Receiver { state })
}

// ANCHOR: contract
impl<T> Sender<T> {
    /// Sends `value` to the receiver and wakes it if it is waiting.
    ///
    /// Returns `Err(value)`, handing the value back, if the receiver has
    /// already been dropped: nobody will ever read it.
    pub fn send(self, value: T) -> Result<(), T> {
        // TODO: keep the contract above, and the one of `Receiver`.
        let _ = &self.state;
        Err(value)
    }
}

impl<T> Drop for Sender<T> {
    /// Dropped without sending, the sender closes the channel: the
    /// receiver's `await` ends with `Err(Canceled)` instead of waiting
    /// forever, even if it is already waiting.
    fn drop(&mut self) {
        // TODO: keep the contract above.
    }
}

impl<T> Future for Receiver<T> {
    type Output = Result<T, Canceled>;

    /// `Ready(Ok(value))` once the value has been sent (also if the sender
    /// is gone since); `Ready(Err(Canceled))` once the sender is dropped
    /// without sending; otherwise `Pending`, and then the waker of this
    /// poll, the latest, is woken when either happens, on any thread. It
    /// never wakes itself while it waits, and never blocks.
    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        // TODO: keep the contract above.
        let _ = (&self.state, cx);
        Poll::Pending
    }
}

impl<T> Drop for Receiver<T> {
    /// Dropped, the receiver tells the sender that nobody will read the
    /// value: `send` hands it back.
    fn drop(&mut self) {
        // TODO: keep the contract above.
    }
}
// ANCHOR_END: contract
