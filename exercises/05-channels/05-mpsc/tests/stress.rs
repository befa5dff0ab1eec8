//! Many threads send at once while one receives: every value must arrive
//! once, in each sender's order, and the channel must end when the last
//! sender is dropped. The receiver sleeps between wake-ups like a real
//! executor, so a lost wake-up shows up as a receiver that is never woken.

use std::thread;
use std::time::Duration;

use workbook_support::{Driver, Limits, within};

const SENDERS: usize = 4;
const PER_SENDER: usize = 20_000;

#[test]
fn no_value_lost_or_reordered_under_concurrent_senders() {
    let received = within(Duration::from_secs(30), || {
        let (sender, mut receiver) = mpsc::channel::<(usize, usize)>();
        let threads: Vec<_> = (0..SENDERS)
            .map(|id| {
                let sender = sender.clone();
                thread::spawn(move || {
                    for n in 0..PER_SENDER {
                        sender.send((id, n)).expect("the receiver is alive");
                        if n % 64 == 0 {
                            thread::yield_now();
                        }
                    }
                })
            })
            .collect();
        drop(sender);
        let all = async move {
            let mut received = Vec::with_capacity(SENDERS * PER_SENDER);
            while let Some(value) = receiver.recv().await {
                received.push(value);
            }
            received
        };
        let mut driver = Driver::new("a task receiving from 4 sending threads");
        let limits = Limits {
            max_polls: 2 * SENDERS * PER_SENDER + 100,
        };
        let received = driver.run_blocking(all, Duration::from_secs(2), limits);
        for thread in threads {
            thread.join().expect("a sending thread panicked");
        }
        received
    });
    let mut next = [0; SENDERS];
    for (position, &(id, n)) in received.iter().enumerate() {
        assert!(
            n >= next[id],
            "value {n} of sender {id} arrived (at position {position}) after value {} of the \
             same sender: a value was received twice, or one sender's values were reordered. \
             Values must leave in the order they came in: push at the back, take from the \
             front, under one lock.",
            next[id] - 1
        );
        assert_eq!(
            n, next[id],
            "sender {id} sent {} then {n}; value {} never arrived (at position {position}): a \
             value was lost. Likely cause: the queue changed by two threads at once without \
             one lock around each whole change (taken out, changed and put back, say).",
            next[id], next[id]
        );
        next[id] += 1;
    }
    assert_eq!(
        received.len(),
        SENDERS * PER_SENDER,
        "4 threads sent {PER_SENDER} values each, then dropped their senders; {} values arrived \
         before `recv` returned None: the channel ended while values were still in it, or \
         before the last sender was dropped",
        received.len()
    );
}
