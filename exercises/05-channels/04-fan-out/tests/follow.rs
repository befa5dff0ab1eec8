use std::time::Duration;

use fan_out::{Seen, follow};
use tokio::sync::broadcast;
use tokio::time::{sleep, timeout};
use workbook_support::on_paused_tokio;

const LIMIT: Duration = Duration::from_secs(5);

const ENDED_EARLY: &str = "`follow` returned (dropping its receiver) while the channel was \
                           still open. Likely cause: `Err(RecvError::Lagged(n))` taken for the \
                           end of the stream; only `Err(RecvError::Closed)` is the end";

/// Lets every task run until all of them wait: on paused time, this
/// sleep ends only once the runtime has nothing else to do.
async fn settle() {
    sleep(Duration::from_secs(3600)).await;
}

/// Runs `follow` to its end; fails if it does not end.
async fn followed(events: broadcast::Receiver<u32>) -> Seen {
    timeout(Duration::from_secs(3600), follow(events))
        .await
        .expect(
            "every sender was dropped, but `follow` had not returned an hour (of paused time) \
             later: the end of the channel is `Err(RecvError::Closed)`, after the last event",
        )
}

/// Why `seen` differs from `expected`, as far as the test can tell.
fn diagnose(seen: &Seen, expected: &Seen) -> &'static str {
    let shorter = seen.events.len() < expected.events.len();
    if shorter && seen.missed >= expected.missed {
        "Events the channel still held were skipped. Likely cause: a new receiver \
         (`resubscribe`) after a lag: it starts after the newest event and skips the ones \
         still in the channel. Keep receiving on the same receiver."
    } else if shorter && seen.events == expected.events[..seen.events.len()] {
        "It stopped early. Likely cause: an error from `recv` taken for the end of the stream. \
         `Err(RecvError::Lagged(n))` means the receiver fell behind and `n` events were dropped \
         for it; the channel is not closed, and the next `recv` returns the oldest event it \
         still holds. Only `Err(RecvError::Closed)` is the end."
    } else if seen.events == expected.events {
        "The events are right but `missed` is not: `Lagged(n)` says how many were missed, `n`, \
         and a follower may lag more than once: add them up."
    } else {
        "Every event must be received once, in order."
    }
}

#[test]
fn a_follower_that_keeps_up_receives_every_event() {
    on_paused_tokio(LIMIT, || async {
        let (sender, receiver) = broadcast::channel(16);
        for event in 0..10 {
            sender.send(event).expect("the receiver is alive");
        }
        drop(sender);
        let seen = followed(receiver).await;
        let expected = Seen {
            events: (0..10).collect(),
            missed: 0,
        };
        assert_eq!(
            seen,
            expected,
            "ten events fit in a channel of 16, then every sender was dropped: `follow` must \
             receive all ten, in order, before it ends. {}",
            diagnose(&seen, &expected)
        );
    });
}

#[test]
fn a_follower_that_falls_behind_carries_on() {
    on_paused_tokio(LIMIT, || async {
        let (sender, receiver) = broadcast::channel(4);
        for event in 0..10 {
            sender.send(event).expect("the receiver is alive");
        }
        drop(sender);
        let seen = followed(receiver).await;
        let expected = Seen {
            events: vec![6, 7, 8, 9],
            missed: 6,
        };
        assert_eq!(
            seen,
            expected,
            "ten events were sent into a broadcast channel that holds 4 before the follower \
             received any: the channel dropped the oldest 6 for it. Expected: the 4 it still \
             holds, and 6 missed. {}",
            diagnose(&seen, &expected)
        );
    });
}

#[test]
fn a_follower_can_fall_behind_in_the_middle_and_again() {
    on_paused_tokio(LIMIT, || async {
        let (sender, receiver) = broadcast::channel(4);
        let follower = tokio::spawn(follow(receiver));
        let mut next = 0;
        // Each round: a few events the follower keeps up with, then a
        // burst of 10 it cannot.
        for _round in 0..2 {
            for _ in 0..3 {
                sender.send(next).expect(ENDED_EARLY);
                next += 1;
                settle().await;
            }
            for _ in 0..10 {
                let _ = sender.send(next);
                next += 1;
            }
            settle().await;
        }
        sender.send(next).expect(ENDED_EARLY);
        drop(sender);
        let seen = timeout(Duration::from_secs(3600), follower)
            .await
            .expect("every sender was dropped, but `follow` did not return")
            .expect("follow panicked");
        let expected = Seen {
            events: vec![0, 1, 2, 9, 10, 11, 12, 13, 14, 15, 22, 23, 24, 25, 26],
            missed: 12,
        };
        assert_eq!(
            seen,
            expected,
            "twice, the follower kept up with 3 events, then 10 came at once into a channel \
             that holds 4 (so it missed 6 each time), and one more came at the end. {}",
            diagnose(&seen, &expected)
        );
    });
}
