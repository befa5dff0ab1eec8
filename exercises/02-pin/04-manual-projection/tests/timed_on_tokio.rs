// A separate test binary: if `Timed` moves the pinned future, tokio's timer
// keeps pointing at the old address of the `Sleep` inside it, and the
// process may crash (SIGSEGV) instead of failing one test. The tests in
// `timed.rs` run first and name the problem ("AssertUnmoved moved ...").

use std::time::Duration;

use manual_projection::{Timed, Timing};
use tokio::time::sleep;
use workbook_support::on_paused_tokio;

const LIMIT: Duration = Duration::from_secs(5);

// Paused time: tokio jumps the clock to the next timer as soon as every
// task waits, so the durations are exact, and the timeout fires at once if
// the future is never woken.
#[test]
fn measures_from_the_first_poll_not_from_new() {
    let timing = on_paused_tokio(LIMIT, || {
        async {
            let timed = Timed::new(async {
                sleep(Duration::from_millis(30)).await;
                sleep(Duration::from_millis(20)).await;
                "done"
            });
            // Created, but not polled for 100 ms: that time does not count.
            sleep(Duration::from_millis(100)).await;
            tokio::time::timeout(Duration::from_secs(10), timed).await
        }
    });
    let timing = timing.expect("Timed never finished: was the inner future polled again?");
    assert_eq!(timing.output, "done");
    let expected = Duration::from_millis(50);
    let likely = if timing.elapsed > expected {
        "The clock started too early: start it in the first poll (a future does nothing \
         before that), not in `new`."
    } else if timing.elapsed.is_zero() {
        "The clock started too late: start it once, in the first poll, and do not restart it \
         on later polls."
    } else {
        "Measure on tokio's clock (`tokio::time::Instant`, which paused time moves), from the \
         first poll to the one that returns Ready."
    };
    assert_eq!(
        timing.elapsed, expected,
        "elapsed should run from the first poll to the last: 30 ms + 20 ms of sleeping, \
         but it was {:?}. {likely}",
        timing.elapsed
    );
    assert_eq!(
        timing.polls, 3,
        "the async block is Pending at each of its two sleeps, then Ready: 3 polls"
    );
}

#[test]
fn a_timing_of_a_ready_future_is_zero() {
    let timing = on_paused_tokio(LIMIT, || async {
        sleep(Duration::from_millis(5)).await;
        Timed::new(async { 1 }).await
    });
    assert_eq!(
        timing,
        Timing {
            output: 1,
            polls: 1,
            elapsed: Duration::ZERO
        },
        "a future that is ready on its first poll takes 1 poll and no time"
    );
}

/// Moves tokio's paused clock on by `by` right now, in the middle of a
/// poll, as a future whose poll does slow work would.
fn spend_in_this_poll(by: Duration) {
    let mut advance = std::pin::pin!(tokio::time::advance(by));
    // The first poll moves the clock; the rest of `advance` only yields.
    let _ = advance
        .as_mut()
        .poll(&mut std::task::Context::from_waker(std::task::Waker::noop()));
}

#[test]
fn counts_the_time_spent_inside_the_first_and_last_polls() {
    let timing = on_paused_tokio(LIMIT, || async {
        Timed::new(async {
            spend_in_this_poll(Duration::from_millis(3));
            sleep(Duration::from_millis(30)).await;
            spend_in_this_poll(Duration::from_millis(7));
            "done"
        })
        .await
    });
    let elapsed = timing.elapsed;
    let likely = match elapsed.as_millis() {
        37 => {
            "The 3 ms spent inside the first poll of the inner future are missing: read \
               the clock to start at the beginning of the first poll, before polling the \
               inner future."
        }
        33 => {
            "The 7 ms spent inside the last poll of the inner future are missing: read \
               the clock for `elapsed` after the inner future returned Ready, not before \
               polling it."
        }
        30 => {
            "The time spent inside the first and the last poll of the inner future is \
               missing: start the clock before the first inner poll, and stop it after the \
               inner future returned Ready."
        }
        _ => {
            "Measure on tokio's clock, from the start of the first poll to the moment the \
              inner future returned Ready."
        }
    };
    assert_eq!(
        elapsed,
        Duration::from_millis(40),
        "the inner future spent 3 ms inside its first poll, slept 30 ms, then spent 7 ms \
         inside its last poll before returning Ready, so elapsed should be 40 ms, but it \
         was {elapsed:?}. {likely}"
    );
}
