//! A waker built by hand from a `RawWaker` and its vtable.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::task::{RawWaker, RawWakerVTable, Waker};

/// Counts the wake-ups of every waker made from it by [`counter_waker`].
#[derive(Debug, Default)]
pub struct Counter {
    wakes: AtomicUsize,
}

impl Counter {
    pub fn new() -> Self {
        Self::default()
    }

    /// How many wake-ups so far, through `wake` or `wake_by_ref`.
    pub fn wakes(&self) -> usize {
        self.wakes.load(Ordering::Relaxed)
    }

    /// Counts one wake-up.
    #[allow(dead_code)] // TODO: call this when a waker is woken, then remove this line.
    fn count_wake(&self) {
        self.wakes.fetch_add(1, Ordering::Relaxed);
    }
}

// ANCHOR: todo
/// A waker whose wake-ups are counted in `counter`. It owns one reference
/// to the counter for as long as it lives.
pub fn counter_waker(counter: &Arc<Counter>) -> Waker {
    // TODO: the waker must own one reference to `counter` of its own, for
    // as long as it lives. This pointer owns none: the counter could be
    // freed while the waker still points to it.
    let data = Arc::as_ptr(counter).cast::<()>();
    // SAFETY: for now, no function in VTABLE reads `data`. Once they do, this
    // waker must own the reference they expect.
    unsafe { Waker::from_raw(RawWaker::new(data, &VTABLE)) }
}

static VTABLE: RawWakerVTable =
    RawWakerVTable::new(clone_waker, wake_waker, wake_by_ref_waker, drop_waker);

/// Makes a second waker: it needs a reference of its own.
unsafe fn clone_waker(data: *const ()) -> RawWaker {
    // TODO: the new waker owns one reference of its own; the waker being
    // cloned keeps its own.
    RawWaker::new(data, &VTABLE)
}

/// Wakes and uses up the waker: its reference is released.
unsafe fn wake_waker(data: *const ()) {
    // TODO: count one wake-up. This waker is used up: the reference it
    // owned is released, exactly once.
    let _ = data;
}

/// Wakes without using up the waker: its reference stays where it is.
unsafe fn wake_by_ref_waker(data: *const ()) {
    // TODO: count one wake-up. The waker lives on: it keeps its reference,
    // and nothing is added or released.
    let _ = data;
}

/// Drops a waker that was not used up by `wake`: its reference is released.
unsafe fn drop_waker(data: *const ()) {
    // TODO: the reference this waker owned is released.
    let _ = data;
}
// ANCHOR_END: todo
