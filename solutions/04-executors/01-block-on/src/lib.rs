//! The smallest executor: run one future on the current thread.
//!
//! Why this works: the waker holds the sleeping thread's handle and a
//! `woken` flag. Waking sets the flag, then unparks the thread, from any
//! thread. `block_on` sleeps only while the flag is clear, and clears it as
//! it reads it (`swap`), before the next poll. A wake-up during a poll, or
//! between a poll and `park`, leaves the flag set, so the loop does not
//! sleep and polls again: nothing is lost. `unpark` before `park` is also
//! remembered by the thread (its token), so the order of "set flag, unpark"
//! against "check flag, park" cannot strand the thread. The flag also
//! guards against `park` returning without an `unpark`, which its
//! documentation allows: such a return finds the flag clear and sleeps
//! again, instead of polling for nothing.

use std::future::Future;
use std::pin::pin;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering::SeqCst};
use std::task::{Context, Poll, Wake, Waker};
use std::thread::{self, Thread};

/// Wakes the thread that runs `block_on`.
struct ThreadWaker {
    thread: Thread,
    woken: AtomicBool,
}

impl Wake for ThreadWaker {
    fn wake(self: Arc<Self>) {
        self.wake_by_ref();
    }

    fn wake_by_ref(self: &Arc<Self>) {
        // Remember first, then wake: the sleeper checks the flag.
        self.woken.store(true, SeqCst);
        self.thread.unpark();
    }
}

/// Runs `future` to completion on the calling thread and returns its
/// output.
///
/// The contract, which the tests check:
///
/// - The future is polled on the calling thread.
/// - While the future is `Pending`, the thread sleeps. It polls again only
///   after the future's waker has been woken, never "just in case".
/// - The waker may be woken from any thread, at any moment: in the middle
///   of a poll, after a poll returned but before the thread fell asleep, or
///   while it sleeps. Every one of those wake-ups leads to another poll; none
///   is lost.
/// - Once the future is `Ready`, `block_on` returns its output and never
///   polls it again.
pub fn block_on<F: Future>(future: F) -> F::Output {
    let signal = Arc::new(ThreadWaker {
        thread: thread::current(),
        woken: AtomicBool::new(false),
    });
    let waker = Waker::from(signal.clone());
    let mut cx = Context::from_waker(&waker);
    let mut future = pin!(future);
    loop {
        if let Poll::Ready(output) = future.as_mut().poll(&mut cx) {
            return output;
        }
        while !signal.woken.swap(false, SeqCst) {
            thread::park();
        }
    }
}
