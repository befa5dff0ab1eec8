//! Hunting the lost-wakeup race.
//!
//! Round after round, one thread polls a fresh delay again and again while
//! another thread fires its trigger. The polls alternate between two wakers,
//! as if the delay moved between two tasks (allowed: only the waker of the
//! latest poll counts), so whenever `fire` lands, some poll is in the
//! middle of its work. When its waker is woken, the polling thread polls
//! again at once, as an eager executor would. Once `fire` has started, it
//! stops polling unasked: if the latest poll said `Pending`, its waker must
//! be woken by the time `fire` returns (or within a grace period).
//! Otherwise the wake-up is lost, and a real task would hang forever.

use std::future::Future;
use std::hint::spin_loop;
use std::pin::Pin;
use std::sync::atomic::{AtomicUsize, Ordering::SeqCst};
use std::sync::{Arc, Mutex};
use std::task::{Context, Wake, Waker};
use std::thread;
use std::time::{Duration, Instant};

use timer::{Delay, Trigger};
use workbook_support::within;

/// At most this many rounds...
const ROUNDS: usize = 20_000;
/// ...or as many as fit in this time.
const BUDGET: Duration = Duration::from_secs(3);
/// How long a wake-up may take to arrive after `fire` has returned.
const GRACE: Duration = Duration::from_secs(1);

#[test]
fn no_lost_wake_up_under_stress() {
    within(Duration::from_secs(20), || {
        basics_first();
        stress();
    });
}

/// The race only matters once the simple case works: polled, then fired,
/// on one thread. Without this check a `Delay` that never wakes anyone
/// would be reported as a lost wake-up.
fn basics_first() {
    let (a, b) = (Arc::new(Counter::default()), Arc::new(Counter::default()));
    let (waker_a, waker_b) = (Waker::from(a.clone()), Waker::from(b.clone()));
    let (mut fut, trigger) = Delay::until_fired();
    let first = Pin::new(&mut fut)
        .poll(&mut Context::from_waker(&waker_a))
        .is_pending();
    let second = Pin::new(&mut fut)
        .poll(&mut Context::from_waker(&waker_b))
        .is_pending();
    trigger.fire();
    let (stale, latest) = (a.wakes(), b.wakes());
    let ready = Pin::new(&mut fut)
        .poll(&mut Context::from_waker(&waker_b))
        .is_ready();
    assert!(
        first && second && stale == 0 && latest == 1 && ready,
        "before the stress test, the simple case on one thread, with a Delay: poll with \
         waker A (Pending? {first}), poll with waker B (Pending? {second}), `fire` \
         (expected 0 wake-ups of A, found {stale}; 1 of B, found {latest}), poll again \
         (Ready? {ready}). Only the waker of the latest poll may be woken, once. Make the \
         tests in tests/timer.rs pass first (cargo test -p timer --test timer)."
    );
}

/// A waker that counts wake-ups. Waking takes a moment, as it does in a
/// real executor (it locks a queue, unparks a thread), which gives a
/// `fire` that wakes before it sets its flag time to be caught.
#[derive(Default)]
struct Counter {
    wakes: AtomicUsize,
}

impl Counter {
    fn wakes(&self) -> usize {
        self.wakes.load(SeqCst)
    }
}

impl Wake for Counter {
    fn wake(self: Arc<Self>) {
        self.wake_by_ref();
    }

    fn wake_by_ref(self: &Arc<Self>) {
        self.wakes.fetch_add(1, SeqCst);
        spin(200);
    }
}

/// Where the two threads meet before each round, and what the firing
/// thread reports.
#[derive(Default)]
struct Shared {
    /// How many times a thread has reached the start line.
    arrived: AtomicUsize,
    /// The trigger of this round, handed to the firing thread.
    trigger: Mutex<Option<Trigger>>,
    /// The last round in which `fire` was called (round + 1).
    firing: AtomicUsize,
    /// The last round in which `fire` returned (round + 1).
    fired: AtomicUsize,
}

impl Shared {
    /// Waits until both threads have reached the start line of `round`.
    fn start(&self, round: usize) {
        self.arrived.fetch_add(1, SeqCst);
        let both = 2 * (round + 1);
        spin_until("the other thread to reach the start line", || {
            self.arrived.load(SeqCst) >= both
        });
    }
}

fn stress() {
    let shared = Arc::new(Shared::default());
    let firing_side = shared.clone();
    let firer = thread::spawn(move || {
        let mut jitter = Jitter(0x2545_f491_4f6c_dd1d);
        for round in 0.. {
            firing_side.start(round);
            let Some(trigger) = firing_side.trigger.lock().unwrap().take() else {
                return; // the test is over
            };
            spin(jitter.next());
            firing_side.firing.store(round + 1, SeqCst);
            trigger.fire();
            firing_side.fired.store(round + 1, SeqCst);
        }
    });

    let started = Instant::now();
    let mut rounds = 0;
    while rounds < ROUNDS && started.elapsed() < BUDGET {
        let (mut delay, trigger) = Delay::until_fired();
        let wakers = [Arc::new(Counter::default()), Arc::new(Counter::default())];
        *shared.trigger.lock().unwrap() = Some(trigger);
        shared.start(rounds);
        run_round(&shared, rounds, &mut delay, &wakers, started);
        spin_until("`fire` to return", || shared.fired.load(SeqCst) > rounds);
        rounds += 1;
    }
    // An empty slot at the start line tells the firing thread to stop.
    shared.start(rounds);
    firer.join().expect("the firing thread panicked");
    println!(
        "no lost wake-up in {rounds} rounds ({:?})",
        started.elapsed()
    );
}

/// Polls `delay` until it is `Ready`: with the other waker while `fire`
/// has not started, with the same waker again whenever it was woken.
/// Fails if it is left `Pending` with no wake-up after `fire` returned.
fn run_round(
    shared: &Shared,
    round: usize,
    delay: &mut Delay,
    wakers: &[Arc<Counter>; 2],
    started: Instant,
) {
    let wakers = wakers
        .clone()
        .map(|counter| (Waker::from(counter.clone()), counter));
    let give_up = Instant::now() + Duration::from_secs(5);
    let mut current = 0;
    for polls in 1u64.. {
        let (waker, counter) = &wakers[current];
        let wakes_before = counter.wakes();
        if Pin::new(&mut *delay)
            .poll(&mut Context::from_waker(waker))
            .is_ready()
        {
            assert!(
                shared.firing.load(SeqCst) > round,
                "round {round}: the Delay was Ready before its trigger was fired"
            );
            return;
        }
        if polls.is_multiple_of(1024) {
            assert!(
                Instant::now() < give_up,
                "round {round}: the trigger was not fired within 5s"
            );
        }
        if counter.wakes() > wakes_before {
            continue; // woken: poll again with the same waker
        }
        if shared.firing.load(SeqCst) <= round {
            current = 1 - current; // not fired yet: poll with the other waker
            continue;
        }
        // `fire` has started and this poll said Pending: its waker must be
        // woken by the time `fire` returns, or within the grace period.
        let mut deadline = None;
        while counter.wakes() == wakes_before {
            if shared.fired.load(SeqCst) > round {
                let (seen, deadline) =
                    *deadline.get_or_insert_with(|| (started.elapsed(), Instant::now() + GRACE));
                assert!(
                    Instant::now() < deadline,
                    "lost wake-up in round {round}, {seen:?} into the stress test: the trigger was \
                     fired on another thread while the Delay was being polled; `poll` \
                     returned Pending, `fire` returned, and the waker of that poll was not \
                     woken within {GRACE:?}. Nobody will ever poll this Delay again: it hangs.\n\
                     Likely cause: `poll` reads `done` and stores its waker in two separate \
                     steps (for example under two locks), so a `fire` in between finds the \
                     old waker (or none) and wakes that. Or `fire` wakes the waker before it \
                     sets `done`, and the poll that wake-up causes still finds `done` unset."
                );
                thread::yield_now();
            }
            spin_loop();
        }
    }
}

/// A small pseudo-random number generator (xorshift), so that each round
/// lines the two threads up at a different offset.
struct Jitter(u64);

impl Jitter {
    fn next(&mut self) -> u32 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        (self.0 >> 8) as u32 % 64
    }
}

fn spin(n: u32) {
    for _ in 0..n {
        spin_loop();
    }
}

/// Spins until `done()`, yielding now and then so that it also works when
/// the other thread shares this core; gives up after a few seconds.
fn spin_until(what: &str, mut done: impl FnMut() -> bool) {
    let deadline = Instant::now() + Duration::from_secs(5);
    let mut spins = 0u32;
    while !done() {
        spins += 1;
        if spins.is_multiple_of(1024) {
            assert!(Instant::now() < deadline, "waited 5s for {what}");
            thread::yield_now();
        }
        spin_loop();
    }
}
