//! A oneshot channel: one value, sent once, from one sender to one receiver.
//!
//! Why this works: the channel is one `Mutex<State>` that both halves
//! share, plus the receiver's waker kept inside it. Every change (a value
//! sent, the sender gone, the receiver gone) and every look at it happens
//! under that lock, so the receiver's check and its storing of the waker
//! are one step that `send` and the sender's `drop` cannot cut in half:
//! if the value or the closing came first, `poll` sees it; if `poll` came
//! first, its waker is in the state and gets woken. Each `Pending` replaces
//! the stored waker with the one of that poll, so the latest task is woken.
//! `poll` looks for the value before it looks at `sender_gone`, so a value
//! sent and then followed by the sender's drop (which `send(self)` always
//! causes) is still delivered. `send` consumes the sender, so the compiler
//! rules out a second send; the wake-ups happen after the lock is released.

use std::future::Future;
use std::pin::Pin;
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll, Waker};

/// What the two halves share: the channel is this state, behind a lock.
struct State<T> {
    /// The value, between `send` and the receiver taking it.
    value: Option<T>,
    /// The waker of the receiver's latest `Pending` poll.
    waker: Option<Waker>,
    /// The sender is gone (after sending, or without sending).
    sender_gone: bool,
    /// The receiver is gone: nobody will read a value.
    receiver_gone: bool,
}

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
        sender_gone: false,
        receiver_gone: false,
    }));
    let sender = Sender {
        state: state.clone(),
    };
    (sender, Receiver { state })
}

impl<T> Sender<T> {
    /// Sends `value` to the receiver and wakes it if it is waiting.
    ///
    /// Returns `Err(value)`, handing the value back, if the receiver has
    /// already been dropped: nobody will ever read it.
    pub fn send(self, value: T) -> Result<(), T> {
        let waker = {
            let mut state = self.state.lock().unwrap();
            if state.receiver_gone {
                return Err(value);
            }
            state.value = Some(value);
            state.waker.take()
        };
        // Woken after the lock is released: a woken task may be polled at
        // once, on another thread, and must find the lock free.
        if let Some(waker) = waker {
            waker.wake();
        }
        Ok(())
        // `self` is dropped here; `drop` below sees the value and leaves it.
    }
}

impl<T> Drop for Sender<T> {
    /// Dropped without sending, the sender closes the channel: the
    /// receiver's `await` ends with `Err(Canceled)` instead of waiting
    /// forever, even if it is already waiting.
    fn drop(&mut self) {
        let waker = {
            let mut state = self.state.lock().unwrap();
            state.sender_gone = true;
            state.waker.take()
        };
        if let Some(waker) = waker {
            waker.wake();
        }
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
        let mut state = self.state.lock().unwrap();
        if let Some(value) = state.value.take() {
            return Poll::Ready(Ok(value));
        }
        if state.sender_gone {
            return Poll::Ready(Err(Canceled));
        }
        match &mut state.waker {
            Some(waker) if waker.will_wake(cx.waker()) => {}
            slot => *slot = Some(cx.waker().clone()),
        }
        Poll::Pending
    }
}

impl<T> Drop for Receiver<T> {
    /// Dropped, the receiver tells the sender that nobody will read the
    /// value: `send` hands it back.
    fn drop(&mut self) {
        self.state.lock().unwrap().receiver_gone = true;
    }
}
