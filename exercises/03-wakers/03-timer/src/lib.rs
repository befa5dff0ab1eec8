//! A delay that another thread completes.

use std::future::Future;
use std::pin::Pin;
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll, Waker};
use std::thread;
use std::time::Duration;

#[allow(dead_code)] // TODO: remove this line once `fire` and `poll` use the state.
// ANCHOR: state
/// What the `Delay` and its `Trigger` share.
#[derive(Default)]
struct State {
    /// Set by [`Trigger::fire`].
    done: bool,
    /// The waker to wake when the delay is fired: the one from the latest
    /// `Pending` poll.
    waker: Option<Waker>,
}
// ANCHOR_END: state

/// A future that is `Pending` until its [`Trigger`] is fired, possibly
/// from another thread.
pub struct Delay {
    state: Arc<Mutex<State>>,
}

/// Completes its [`Delay`]. It can be sent to another thread.
pub struct Trigger {
    state: Arc<Mutex<State>>,
}

impl Delay {
    /// A delay that completes when the returned trigger is fired.
    pub fn until_fired() -> (Delay, Trigger) {
        let state = Arc::new(Mutex::new(State::default()));
        let trigger = Trigger {
            state: state.clone(),
        };
        (Delay { state }, trigger)
    }

    /// A delay that completes after `duration`: a thread of its own sleeps,
    /// then fires the trigger.
    pub fn after(duration: Duration) -> Delay {
        let (delay, trigger) = Delay::until_fired();
        thread::spawn(move || {
            thread::sleep(duration);
            trigger.fire();
        });
        delay
    }
}

// ANCHOR: todo
impl Trigger {
    /// Completes the delay and wakes the task that polled it last. It wakes
    /// with no lock held (the woken task may poll the delay at once, even
    /// inside `wake`), and afterwards the delay keeps no waker.
    pub fn fire(self) {
        // TODO: from now on the delay is `Ready`, and the waker kept by its
        // latest `Pending` poll (if any) is woken, once. This may run on
        // another thread at any moment, even in the middle of a `poll`.
        let _ = &self.state;
    }
}

impl Future for Delay {
    type Output = ();

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        // TODO: a fired delay is `Ready`. A delay that is not fired is
        // `Pending`, and then `fire` must wake the waker of *this* poll
        // (which may belong to another task than the last poll's), whenever
        // it runs. A waker that wakes the same task as the one already kept
        // is not cloned again.
        let _ = (&self.state, cx);
        Poll::Pending
    }
}
// ANCHOR_END: todo
