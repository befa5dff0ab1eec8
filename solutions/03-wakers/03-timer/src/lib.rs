//! A delay that another thread completes.
//!
//! Why this works: `poll` and `fire` share one `Mutex<State>`, so checking
//! `done` and storing the waker happen in one step that `fire` cannot cut
//! in half. Every `Pending` leaves the waker of *that* poll in the state:
//! when it would wake the same task as the stored one (`will_wake`), the
//! stored one is kept and nothing is cloned; otherwise the new one replaces
//! it, so a stale waker is never woken. `poll` decides from `done` alone,
//! never from having been woken, so a spurious poll answers `Pending` again.
//! Nothing but `fire` wakes the waker, exactly once, after `done` is set.

use std::future::Future;
use std::pin::Pin;
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll, Waker};
use std::thread;
use std::time::Duration;

/// What the `Delay` and its `Trigger` share.
#[derive(Default)]
struct State {
    /// Set by [`Trigger::fire`].
    done: bool,
    /// The waker to wake when the delay is fired: the one from the latest
    /// `Pending` poll.
    waker: Option<Waker>,
}

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

impl Trigger {
    /// Completes the delay and wakes the task that polled it last. It wakes
    /// with no lock held (the woken task may poll the delay at once, even
    /// inside `wake`), and afterwards the delay keeps no waker.
    pub fn fire(self) {
        let waker = {
            let mut state = self.state.lock().unwrap();
            state.done = true;
            state.waker.take()
        };
        // Wake outside the lock: the woken task may poll at once, on
        // another thread, and would wait for the lock otherwise.
        if let Some(waker) = waker {
            waker.wake();
        }
    }
}

impl Future for Delay {
    type Output = ();

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        let mut state = self.state.lock().unwrap();
        if state.done {
            return Poll::Ready(());
        }
        let new = cx.waker();
        match &state.waker {
            // Same task as last time: keep the waker we have, no clone.
            Some(stored) if stored.will_wake(new) => {}
            // First poll, or polled from another task: keep the new one.
            _ => state.waker = Some(new.clone()),
        }
        Poll::Pending
    }
}
