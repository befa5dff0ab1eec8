//! A waker built by hand from a `RawWaker` and its vtable.
//!
//! Why this works: the data pointer of every `RawWaker` made here comes from
//! `Arc::into_raw`, so each waker owns exactly one strong reference to the
//! counter. The vtable keeps that bookkeeping exact: `clone` adds one
//! reference for the new waker, `wake` takes the waker's reference back
//! with `Arc::from_raw` and lets it drop, `wake_by_ref` only borrows it
//! (`ManuallyDrop` stops the temporary `Arc` from releasing it), and `drop`
//! releases it. Every path adds or releases exactly the one reference the
//! contract says, so the strong count returns to where it started once all
//! wakers are gone, and never falls below it while one is alive. `Counter`
//! is `Send + Sync` (an `AtomicUsize`), which is what makes it sound for
//! the waker to be sent to and woken from other threads.

use std::mem::ManuallyDrop;
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
    fn count_wake(&self) {
        self.wakes.fetch_add(1, Ordering::Relaxed);
    }
}

/// A waker whose wake-ups are counted in `counter`. It owns one reference
/// to the counter for as long as it lives.
pub fn counter_waker(counter: &Arc<Counter>) -> Waker {
    let data = Arc::into_raw(Arc::clone(counter)).cast::<()>();
    // SAFETY: `data` comes from `Arc::into_raw` of an `Arc<Counter>` and
    // carries the one reference this waker owns, which is what every
    // function in VTABLE expects. `Counter` is Send + Sync, so the waker may
    // be used from any thread.
    unsafe { Waker::from_raw(RawWaker::new(data, &VTABLE)) }
}

static VTABLE: RawWakerVTable =
    RawWakerVTable::new(clone_waker, wake_waker, wake_by_ref_waker, drop_waker);

/// Makes a second waker: it needs a reference of its own.
unsafe fn clone_waker(data: *const ()) -> RawWaker {
    // SAFETY: `data` came from `Arc::into_raw` (see `counter_waker`) and the
    // waker being cloned still owns its reference, so the count is at least
    // one. The added reference belongs to the returned RawWaker.
    unsafe { Arc::increment_strong_count(data.cast::<Counter>()) };
    RawWaker::new(data, &VTABLE)
}

/// Wakes and uses up the waker: its reference is released.
unsafe fn wake_waker(data: *const ()) {
    // SAFETY: `data` came from `Arc::into_raw`, and `wake` is called at most
    // once, in place of `drop`, on a waker that owns one reference: taking
    // that reference back into an Arc is allowed, and dropping the Arc at
    // the end of this function releases it.
    let counter = unsafe { Arc::from_raw(data.cast::<Counter>()) };
    counter.count_wake();
}

/// Wakes without using up the waker: its reference stays where it is.
unsafe fn wake_by_ref_waker(data: *const ()) {
    // SAFETY: `data` came from `Arc::into_raw` and the waker still owns its
    // reference. `ManuallyDrop` keeps this temporary Arc from releasing it:
    // we only borrow the counter here.
    let counter = unsafe { ManuallyDrop::new(Arc::from_raw(data.cast::<Counter>())) };
    counter.count_wake();
}

/// Drops a waker that was not used up by `wake`: its reference is released.
unsafe fn drop_waker(data: *const ()) {
    // SAFETY: `data` came from `Arc::into_raw`, and the waker being dropped
    // owns one reference, which it gives up here, once.
    unsafe { Arc::decrement_strong_count(data.cast::<Counter>()) };
}
