//! A waker that counts its wake-ups, built with the `Wake` trait.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::task::{Wake, Waker};

// ANCHOR: counter
/// Counts how often the wakers made from it were woken, and through which
/// method.
///
/// Every waker made by [`waker_for`] shares one `WakeCounter`, so a wake-up
/// through any of them, on any thread, shows up here.
#[derive(Debug, Default)]
pub struct WakeCounter {
    /// Wake-ups that came through `Wake::wake` (a waker used up by `wake()`).
    by_value: AtomicUsize,
    /// Wake-ups that came through `Wake::wake_by_ref` (the waker lives on).
    by_ref: AtomicUsize,
}

impl WakeCounter {
    pub fn new() -> Self {
        Self::default()
    }

    /// How many wake-ups arrived through `Wake::wake`.
    pub fn by_value(&self) -> usize {
        // Relaxed is enough: the count is the only data, nothing else is
        // published through it.
        self.by_value.load(Ordering::Relaxed)
    }

    /// How many wake-ups arrived through `Wake::wake_by_ref`.
    pub fn by_ref(&self) -> usize {
        self.by_ref.load(Ordering::Relaxed)
    }

    /// All wake-ups, through either method.
    pub fn total(&self) -> usize {
        self.by_value() + self.by_ref()
    }
}
// ANCHOR_END: counter

// ANCHOR: wake
impl Wake for WakeCounter {
    fn wake(self: Arc<Self>) {
        // TODO: count this wake-up in `by_value`, exactly once, even when
        // other wakers of this counter are woken on other threads at the
        // same moment.
        let _ = self;
    }

    fn wake_by_ref(self: &Arc<Self>) {
        // TODO: count this wake-up in `by_ref`, exactly once, and nowhere
        // else.
        let _ = self;
    }
}

/// A waker whose wake-ups are counted in `counter`.
///
/// The waker shares the counter: it holds one reference to it, which is
/// released when the waker is dropped or used up by `wake()`.
pub fn waker_for(counter: &Arc<WakeCounter>) -> Waker {
    // TODO: a waker that counts into this very counter (not a copy of it)
    // and holds one reference to it.
    let _ = counter;
    Waker::noop().clone()
}
// ANCHOR_END: wake
