use std::pin::pin;
use std::task::Poll;
use std::time::Duration;

use countdown::Countdown;
use workbook_support::{Driver, Limits, Trace, on_paused_tokio, within};

const LIMIT: Duration = Duration::from_secs(5);

#[test]
fn counts_down_then_lifts_off() {
    within(LIMIT, || {
        let mut driver = Driver::new("Countdown::new(3)");
        let output = driver.run(Countdown::new(3), Limits::default());
        assert_eq!(
            output, "liftoff",
            "a finished countdown should output \"liftoff\""
        );
        assert_eq!(
            driver.polls(),
            4,
            "Countdown::new(3) should be Pending 3 times and Ready on poll 4"
        );
    });
}

#[test]
fn returns_pending_once_per_step() {
    within(LIMIT, || {
        let mut driver = Driver::new("Countdown::new(3)");
        let mut countdown = pin!(Countdown::new(3));
        for expected_left in [2, 1, 0] {
            let poll = driver.poll(countdown.as_mut());
            let n = driver.polls();
            assert_eq!(
                poll,
                Poll::Pending,
                "poll {n} of Countdown::new(3) should return Pending: count down by one step per poll"
            );
            assert_eq!(
                countdown.remaining(),
                expected_left,
                "after poll {n}, {expected_left} steps should be left"
            );
        }
        assert_eq!(
            driver.poll(countdown.as_mut()),
            Poll::Ready("liftoff"),
            "poll 4 of Countdown::new(3) should return Ready(\"liftoff\")"
        );
    });
}

#[test]
fn wakes_exactly_once_per_pending() {
    within(LIMIT, || {
        let mut driver = Driver::new("Countdown::new(5)");
        driver.run(Countdown::new(5), Limits::default());
        assert_eq!(
            driver.wakes(),
            5,
            "each of the 5 Pending polls should wake the waker once: fewer hangs the \
             executor, more makes it poll for nothing"
        );
    });
}

#[test]
fn zero_is_ready_on_the_first_poll() {
    within(LIMIT, || {
        let mut driver = Driver::new("Countdown::new(0)");
        driver.when_not_woken(
            "Countdown::new(0) has nothing to count down: its first poll should return \
             Ready(\"liftoff\"), not Pending, and a future that is Ready needs no wake-up.",
        );
        let output = driver.run(Countdown::new(0), Limits::default());
        assert_eq!(
            output, "liftoff",
            "a finished countdown should output \"liftoff\""
        );
        assert_eq!(
            driver.polls(),
            1,
            "Countdown::new(0) has nothing to count down"
        );
        assert_eq!(driver.wakes(), 0, "a future that is Ready needs no wake-up");
    });
}

#[test]
fn trace_of_a_countdown_from_two() {
    let trace = Trace::new();
    let mut driver = Driver::traced("Countdown::new(2)", &trace);
    let traced = trace.clone();
    within(LIMIT, move || {
        driver.run(Countdown::new(2), Limits::default())
    });
    insta::assert_snapshot!(traced.render());
}

// A real executor does not poll in a loop: it waits for the wake-up. Paused
// time makes the timeout fire as soon as the runtime has nothing to do;
// `within` catches a countdown that wakes itself forever and never ends.
#[test]
fn runs_on_tokio() {
    let output = on_paused_tokio(LIMIT, || {
        tokio::time::timeout(Duration::from_secs(10), Countdown::new(10))
    });
    let output = output
        .expect("tokio never polled the countdown again: was its waker woken before Pending?");
    assert_eq!(
        output, "liftoff",
        "a finished countdown should output \"liftoff\""
    );
}

#[test]
fn stays_finished_when_polled_after_ready() {
    within(LIMIT, || {
        let mut driver = Driver::new("Countdown::new(1)");
        let mut countdown = pin!(Countdown::new(1));
        assert_eq!(
            driver.poll(countdown.as_mut()),
            Poll::Pending,
            "poll 1 of Countdown::new(1)"
        );
        assert_eq!(
            driver.poll(countdown.as_mut()),
            Poll::Ready("liftoff"),
            "poll 2 of Countdown::new(1)"
        );
        let wakes = driver.wakes();
        for n in 3..=4 {
            let result = driver.poll(countdown.as_mut());
            let remaining = countdown.remaining();
            assert!(
                result == Poll::Ready("liftoff") && remaining == 0,
                "poll {n} of Countdown::new(1), after it returned Ready: expected \
                 Ready(\"liftoff\") with remaining() == 0, got {result:?} with remaining() == \
                 {remaining}. A finished countdown stays finished. Likely cause: `poll` lowers \
                 the count (or sets it to something else) on the poll that returns Ready, or \
                 decides from something other than remaining() == 0"
            );
        }
        assert_eq!(
            driver.wakes(),
            wakes,
            "polling a finished countdown must not wake the task: it has nothing left to do"
        );
    });
}
