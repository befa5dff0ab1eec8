//! Hunting the lost-wakeup race between a future's `poll` on one thread
//! and the event that completes it on another.
//!
//! Round after round, one thread polls a fresh future again and again while
//! another thread runs the event. The polls alternate between two wakers,
//! as if the future moved between two tasks (allowed: only the waker of the
//! latest poll counts), so whenever the event lands, some poll is in the
//! middle of its work. When its waker is woken, the polling thread polls
//! again at once, as an eager executor would. Once the event has started,
//! it stops polling unasked: if the latest poll said `Pending`, its waker
//! must be woken by the time the event returns (or within a grace period).
//! Otherwise the wake-up is lost, and a real task would hang forever.

use std::future::Future;
use std::hint::spin_loop;
use std::pin::Pin;
use std::sync::atomic::{AtomicUsize, Ordering::SeqCst};
use std::sync::{Arc, Mutex};
use std::task::{Context, Wake, Waker};
use std::thread;
use std::time::{Duration, Instant};

use crate::within;

/// At most this many rounds...
const ROUNDS: usize = 20_000;
/// ...or as many as fit in this time.
const BUDGET: Duration = Duration::from_secs(3);
/// How long a wake-up may take to arrive after the event has returned.
const GRACE: Duration = Duration::from_secs(1);

/// What the messages call the race's parts.
pub struct Race<'a> {
    /// The future, as the messages name it: "Delay", "waiter".
    pub future: &'a str,
    /// The event that completes it: "`fire`", "`count_down`".
    pub event: &'a str,
    /// The test file whose tests must pass first: "tests/timer.rs".
    pub basics: &'a str,
    /// The command that runs them.
    pub basics_command: &'a str,
    /// Why a wake-up is lost in this exercise, most likely.
    pub likely_cause: &'a str,
}

/// Fails the test if a wake-up is ever lost between `poll` on this thread
/// and `fire` on another. `make` builds a fresh future and the value `fire`
/// takes to complete it. First checks the simple case on one thread: a
/// poll with waker A, a poll with waker B, the event, then `Ready`, with
/// only B woken, once.
pub fn no_lost_wake_up<F, E>(
    race: Race<'static>,
    mut make: impl FnMut() -> (F, E) + Send + 'static,
    fire: impl Fn(E) + Send + Sync + Clone + 'static,
) where
    F: Future + Unpin,
    E: Send + 'static,
{
    within(Duration::from_secs(20), move || {
        let (fut, event) = make();
        basics_first(&race, fut, || fire.clone()(event));
        stress(&race, make, fire);
    });
}

/// The race only matters once the simple case works: polled, then the
/// event, on one thread. Without this check a future that never wakes
/// anyone would be reported as a lost wake-up.
fn basics_first<F: Future + Unpin>(race: &Race, mut fut: F, fire: impl FnOnce()) {
    let (a, b) = (Arc::new(Counter::default()), Arc::new(Counter::default()));
    let (waker_a, waker_b) = (Waker::from(a.clone()), Waker::from(b.clone()));
    let first = Pin::new(&mut fut)
        .poll(&mut Context::from_waker(&waker_a))
        .is_pending();
    let second = Pin::new(&mut fut)
        .poll(&mut Context::from_waker(&waker_b))
        .is_pending();
    fire();
    let (stale, latest) = (a.wakes(), b.wakes());
    let ready = Pin::new(&mut fut)
        .poll(&mut Context::from_waker(&waker_b))
        .is_ready();
    assert!(
        first && second && stale == 0 && latest == 1 && ready,
        "before the stress test, the simple case on one thread, with a {future}: poll with \
         waker A (Pending? {first}), poll with waker B (Pending? {second}), {event} \
         (expected 0 wake-ups of A, found {stale}; 1 of B, found {latest}), poll again \
         (Ready? {ready}). Only the waker of the latest poll may be woken, once. Make the \
         tests in {basics} pass first ({command}).",
        future = race.future,
        event = race.event,
        basics = race.basics,
        command = race.basics_command,
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
struct Shared<E> {
    /// How many times a thread has reached the start line.
    arrived: AtomicUsize,
    /// The event of this round, handed to the firing thread.
    event: Mutex<Option<E>>,
    /// The last round in which `fire` was called (round + 1).
    firing: AtomicUsize,
    /// The last round in which `fire` returned (round + 1).
    fired: AtomicUsize,
}

impl<E> Shared<E> {
    /// Waits until both threads have reached the start line of `round`.
    fn start(&self, round: usize) {
        self.arrived.fetch_add(1, SeqCst);
        let both = 2 * (round + 1);
        spin_until("the other thread to reach the start line", || {
            self.arrived.load(SeqCst) >= both
        });
    }
}

fn stress<F, E>(race: &Race, mut make: impl FnMut() -> (F, E), fire: impl Fn(E) + Send + 'static)
where
    F: Future + Unpin,
    E: Send + 'static,
{
    let shared = Arc::new(Shared {
        arrived: AtomicUsize::new(0),
        event: Mutex::new(None),
        firing: AtomicUsize::new(0),
        fired: AtomicUsize::new(0),
    });
    let firing_side = shared.clone();
    let firer = thread::spawn(move || {
        let mut jitter = Jitter(0x2545_f491_4f6c_dd1d);
        for round in 0.. {
            firing_side.start(round);
            let Some(event) = firing_side.event.lock().unwrap().take() else {
                return; // the test is over
            };
            spin(jitter.next());
            firing_side.firing.store(round + 1, SeqCst);
            fire(event);
            firing_side.fired.store(round + 1, SeqCst);
        }
    });

    let started = Instant::now();
    let mut rounds = 0;
    while rounds < ROUNDS && started.elapsed() < BUDGET {
        let (mut future, event) = make();
        let wakers = [Arc::new(Counter::default()), Arc::new(Counter::default())];
        *shared.event.lock().unwrap() = Some(event);
        shared.start(rounds);
        run_round(race, &shared, rounds, &mut future, &wakers, started);
        let what = format!("{} to return", race.event);
        spin_until(&what, || shared.fired.load(SeqCst) > rounds);
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

/// Polls `future` until it is `Ready`: with the other waker while `fire`
/// has not started, with the same waker again whenever it was woken.
/// Fails if it is left `Pending` with no wake-up after `fire` returned.
fn run_round<F: Future + Unpin, E>(
    race: &Race,
    shared: &Shared<E>,
    round: usize,
    future: &mut F,
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
        if Pin::new(&mut *future)
            .poll(&mut Context::from_waker(waker))
            .is_ready()
        {
            assert!(
                shared.firing.load(SeqCst) > round,
                "round {round}: the {} was Ready before {} ran",
                race.future,
                race.event
            );
            return;
        }
        if polls.is_multiple_of(1024) {
            assert!(
                Instant::now() < give_up,
                "round {round}: {} did not run within 5s",
                race.event
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
                    "lost wake-up in round {round}, {seen:?} into the stress test: {} ran on another \
                     thread while the {future} was being polled; `poll` returned Pending, {} \
                     returned, and the waker of that poll was not woken within {GRACE:?}. \
                     Nobody will ever poll this {future} again: it hangs.\nLikely cause: {}",
                    race.event,
                    race.event,
                    race.likely_cause,
                    future = race.future,
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
