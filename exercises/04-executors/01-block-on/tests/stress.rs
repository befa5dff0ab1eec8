//! Hunting the lost wake-up in `block_on`.
//!
//! Round after round, `block_on` runs a fresh future that waits for another
//! thread. The future registers its waker, then checks its flag (the order
//! the Wakers chapter taught), so the future itself loses nothing. Both
//! threads meet at a start line; then one calls `block_on` while the other
//! spins a little and fires: sets the flag and wakes the waker.
//!
//! The dangerous moment is just after the poll returns `Pending`, before
//! the thread sleeps: a few nanoseconds. So the firing thread aims there.
//! After each fire it looks whether the poll had already returned: if so it
//! fires a little earlier next round, if not a little later. Its fires
//! settle around the end of the poll, with some noise, and land before,
//! during and after the moment the thread goes to sleep. If a round does
//! not end within a second, its wake-up was lost.

use std::future::Future;
use std::hint::spin_loop;
use std::pin::Pin;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering::SeqCst};
use std::sync::{Arc, Mutex, mpsc};
use std::task::{Context, Poll, Waker};
use std::thread;
use std::time::{Duration, Instant};

use block_on::block_on;

/// At most this many rounds...
const ROUNDS: usize = 20_000;
/// ...or as many as fit in this time.
const BUDGET: Duration = Duration::from_secs(2);
/// How long a round may take after its wake-up.
const GRACE: Duration = Duration::from_secs(1);

/// One round's event: a flag, and the waker to wake when it is set.
#[derive(Default)]
struct Event {
    set: AtomicBool,
    waker: Mutex<Option<Waker>>,
    /// Set by the poll just before it returns `Pending`.
    returned: AtomicBool,
}

struct Wait(Arc<Event>);

impl Future for Wait {
    type Output = ();

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        *self.0.waker.lock().unwrap() = Some(cx.waker().clone());
        if self.0.set.load(SeqCst) {
            Poll::Ready(())
        } else {
            self.0.returned.store(true, SeqCst);
            Poll::Pending
        }
    }
}

#[test]
fn no_lost_wake_up_under_stress() {
    // The rounds run on a thread of their own; this thread watches them.
    let (progress, rounds_done) = mpsc::channel::<usize>();
    let (events, to_fire) = mpsc::channel::<Arc<Event>>();
    let start_line = Arc::new(StartLine::default());
    let firing_side = start_line.clone();
    let firer = thread::spawn(move || {
        let mut noise = Noise(0x2545_f491_4f6c_dd1d);
        let mut aim = 0u32;
        for (round, event) in to_fire.iter().enumerate() {
            firing_side.start(round);
            spin(aim + noise.next());
            event.set.store(true, SeqCst);
            if event.returned.load(SeqCst) {
                aim = aim.saturating_sub(1); // late: the poll had returned
            } else {
                aim += 1; // early
            }
            let waker = event.waker.lock().unwrap().take();
            if let Some(waker) = waker {
                waker.wake();
            }
        }
    });
    let runner = thread::spawn(move || {
        let started = Instant::now();
        let mut round = 0;
        while round < ROUNDS && started.elapsed() < BUDGET {
            let event = Arc::new(Event::default());
            events
                .send(event.clone())
                .expect("the firing thread stopped");
            start_line.start(round);
            block_on(Wait(event));
            round += 1;
            let _ = progress.send(round);
        }
    });

    let mut last = 0;
    loop {
        match rounds_done.recv_timeout(GRACE) {
            Ok(round) => last = round,
            Err(mpsc::RecvTimeoutError::Disconnected) => break,
            Err(mpsc::RecvTimeoutError::Timeout) => panic!(
                "lost wake-up in round {}: the future's waker was woken from another thread \
                 and block_on did not poll it again within {GRACE:?}; it sleeps forever.\n\
                 Likely cause: a wake-up that arrives after the poll but before the thread \
                 sleeps is forgotten: for example a \"woken\" flag cleared after the poll \
                 instead of as it is read, a check of the flag and the sleep that are not \
                 atomic (a Condvar waited on without holding its lock since the check), or a \
                 waker that wakes the thread before it sets the flag.",
                last + 1
            ),
        }
    }
    runner.join().expect("the block_on thread panicked");
    firer.join().expect("the firing thread panicked");
    println!("no lost wake-up in {last} rounds");
}

/// Where the two threads meet before each round.
#[derive(Default)]
struct StartLine {
    arrived: AtomicUsize,
}

impl StartLine {
    /// Waits until both threads have reached the start line of `round`.
    fn start(&self, round: usize) {
        self.arrived.fetch_add(1, SeqCst);
        let both = 2 * (round + 1);
        let mut spins = 0u32;
        while self.arrived.load(SeqCst) < both {
            spins += 1;
            if spins.is_multiple_of(1024) {
                // The other thread may share this core: let it run.
                thread::yield_now();
            }
            spin_loop();
        }
    }
}

/// A small pseudo-random number generator (xorshift), so that the fires
/// spread around the aim.
struct Noise(u64);

impl Noise {
    fn next(&mut self) -> u32 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        (self.0 >> 8) as u32 % 16
    }
}

fn spin(n: u32) {
    for _ in 0..n {
        spin_loop();
    }
}
