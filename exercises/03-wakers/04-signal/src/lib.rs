//! A one-shot event that one thread fires and one task waits for.

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

// ANCHOR: fire
impl Notifier {
    /// Fires the signal: the waiter becomes `Ready` and its task is woken.
    /// Firing again does nothing new.
    pub fn fire(&self) {
        // First publish the event, then wake whoever is registered.
        self.shared.fired.store(true, Ordering::SeqCst);
        self.shared.waker.wake();
    }
}
// ANCHOR_END: fire

// ANCHOR: poll
impl Future for Waiter {
    type Output = ();

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        // TODO: this poll can lose a wake-up. If `fire` runs on another
        // thread between the check and `register`, it wakes the waker that
        // was registered before (or none), and this future returns `Pending`
        // with nobody left to wake it. Reorder the steps so that no timing
        // of `fire` can slip between them.
        if self.shared.fired.load(Ordering::SeqCst) {
            return Poll::Ready(());
        }
        self.shared.waker.register(cx.waker());
        Poll::Pending
    }
}
// ANCHOR_END: poll
