use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicIsize, Ordering::SeqCst};

use holding_a_borrow::Limiter;
use workbook_support::source::Source;

/// Bytes allocated and not yet freed, by every thread of this test binary
/// (it holds one test, so nothing else allocates meanwhile).
static LIVE: AtomicIsize = AtomicIsize::new(0);

struct Counting;

// SAFETY: every call is passed on to `System`, unchanged.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        LIVE.fetch_add(layout.size() as isize, SeqCst);
        // SAFETY: the caller's contract for `alloc` is passed on as it is.
        unsafe { System.alloc(layout) }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        LIVE.fetch_sub(layout.size() as isize, SeqCst);
        // SAFETY: `ptr` came from `System.alloc` with this `layout`.
        unsafe { System.dealloc(ptr, layout) }
    }
}

#[global_allocator]
static COUNTING: Counting = Counting;

#[test]
fn a_dropped_limiter_frees_its_memory() {
    let lib = Source::new("src/lib.rs", include_str!("../src/lib.rs"));
    lib.never_uses(
        "leak",
        "Leaking the semaphore (`Box::leak`) gives a `&'static Semaphore` that a task may \
         borrow, but every Limiter then leaks its memory for good. Share the semaphore with an \
         `Arc` instead: a task holds a clone for as long as it runs, and the last one frees it.",
    );
    let before = LIVE.load(SeqCst);
    for limit in 1..=200 {
        drop(Limiter::new(limit));
    }
    let kept = LIVE.load(SeqCst) - before;
    assert!(
        kept < 256,
        "200 limiters were made and dropped, and {kept} bytes they allocated are still not \
         freed: a Limiter must free what it holds when it is dropped (and its last task has \
         ended). Is something leaked, with `Box::leak` or `mem::forget`? Share the semaphore \
         with an `Arc` instead."
    );
}
