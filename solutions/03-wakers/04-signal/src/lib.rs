//! A one-shot event that one thread fires and one task waits for.
//!
//! Why this works: `poll` registers its waker *before* it reads the flag,
//! and `fire` sets the flag *before* it wakes. Whichever thread comes
//! second sees what the first did: if `fire` wakes before the waker is
//! registered, it set the flag earlier still, so the check after `register`
//! sees it and returns `Ready`; if the check misses the flag, the waker was
//! already registered, so `fire` wakes it (`AtomicWaker` also wakes the new
//! waker when the two calls overlap). No order of the steps leaves a
//! `Pending` future with nobody to wake it. Waking only from `fire`, and
//! deciding from the flag alone, means no busy waking and no `Ready` before
//! `fire`.

use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::task::{Context, Poll};

use futures::task::AtomicWaker;

/// What the two halves share.
struct Shared {
    fired: AtomicBool,
    waker: AtomicWaker,
}

/// Fires the signal, from any thread.
#[derive(Clone)]
pub struct Notifier {
    shared: Arc<Shared>,
}

/// A future that is `Ready` once the signal has been fired.
pub struct Waiter {
    shared: Arc<Shared>,
}

/// A new signal: fire it with the `Notifier`, await the `Waiter`.
pub fn new() -> (Notifier, Waiter) {
    let shared = Arc::new(Shared {
        fired: AtomicBool::new(false),
        waker: AtomicWaker::new(),
    });
    let notifier = Notifier {
        shared: shared.clone(),
    };
    (notifier, Waiter { shared })
}

impl Notifier {
    /// Fires the signal: the waiter becomes `Ready` and its task is woken.
    /// Firing again does nothing new.
    pub fn fire(&self) {
        // First publish the event, then wake whoever is registered.
        self.shared.fired.store(true, Ordering::SeqCst);
        self.shared.waker.wake();
    }
}

impl Future for Waiter {
    type Output = ();

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        // Register first: from now on a `fire` wakes this waker...
        self.shared.waker.register(cx.waker());
        // ...then check: a `fire` that came before `register` is seen here.
        if self.shared.fired.load(Ordering::SeqCst) {
            Poll::Ready(())
        } else {
            Poll::Pending
        }
    }
}
