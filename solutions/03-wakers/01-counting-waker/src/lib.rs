//! A waker that counts its wake-ups, built with the `Wake` trait.
//!
//! Why this works: `Waker::from(Arc<W>)` makes a waker that owns one
//! reference to the `Arc` and forwards `Waker::wake` to `Wake::wake` and
//! `Waker::wake_by_ref` to `Wake::wake_by_ref`; cloning the waker clones the
//! `Arc`, dropping it drops one. So every waker from `waker_for` counts into
//! the same `WakeCounter`, and when they are all gone only the caller's
//! reference is left. Each wake-up is one `fetch_add`, an atomic
//! read-modify-write, so wake-ups from several threads at once are all
//! counted; `Relaxed` suffices because the count publishes no other data.
//! Overriding `wake_by_ref` keeps that path from cloning the `Arc` and
//! lands its wake-ups in their own count.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::task::{Wake, Waker};

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

impl Wake for WakeCounter {
    fn wake(self: Arc<Self>) {
        self.by_value.fetch_add(1, Ordering::Relaxed);
        // `self` (one reference) is dropped here: the waker is used up.
    }

    fn wake_by_ref(self: &Arc<Self>) {
        self.by_ref.fetch_add(1, Ordering::Relaxed);
    }
}

/// A waker whose wake-ups are counted in `counter`.
///
/// The waker shares the counter: it holds one reference to it, which is
/// released when the waker is dropped or used up by `wake()`.
pub fn waker_for(counter: &Arc<WakeCounter>) -> Waker {
    Waker::from(Arc::clone(counter))
}
