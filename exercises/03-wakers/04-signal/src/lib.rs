//! A one-shot event that one thread fires and one task waits for.

use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::sync::atomic::AtomicBool;
use std::task::{Context, Poll};

use futures::task::AtomicWaker;

/// What the two halves share.
#[allow(dead_code)] // TODO: remove this line once `fire` and `poll` use the fields.
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
        // TODO: from now on the waiter is `Ready`, and the waker of its
        // latest `Pending` poll is woken. This may run on any thread, at
        // any moment, even in the middle of a `poll`.
        let _ = &self.shared;
    }
}
// ANCHOR_END: fire

// ANCHOR: poll
impl Future for Waiter {
    type Output = ();

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        // TODO: `Ready` once the signal has been fired. Otherwise `Pending`,
        // and then the waker of *this* poll must be woken by `fire`, however
        // the two threads' steps interleave.
        let _ = (&self.shared, cx);
        Poll::Pending
    }
}
// ANCHOR_END: poll
