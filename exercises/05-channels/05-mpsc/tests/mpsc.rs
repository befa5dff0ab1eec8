use std::pin::pin;
use std::task::Poll;
use std::thread;
use std::time::Duration;

use workbook_support::{Driver, on_paused_tokio, within};

const LIMIT: Duration = Duration::from_secs(5);

#[test]
fn receives_in_order_then_none_after_the_last_sender_drops() {
    within(LIMIT, || {
        let (sender, mut receiver) = mpsc::channel();
        for value in [1, 2, 3] {
            assert_eq!(
                sender.send(value),
                Ok(()),
                "send must return Ok(()) while the receiver is alive"
            );
        }
        drop(sender);
        let mut driver = Driver::new("Receiver::recv");
        let mut received = Vec::new();
        loop {
            match driver.poll(pin!(receiver.recv())) {
                Poll::Ready(Some(value)) => received.push(value),
                Poll::Ready(None) => break,
                Poll::Pending => panic!(
                    "after receiving {received:?}, `recv` was Pending, but every sender had \
                     been dropped: it must return the values still in the channel, then None. \
                     Pending here waits forever. Likely cause: the channel does not know that \
                     the last sender is gone (`Drop` for `Sender` must record it)."
                ),
            }
            assert!(
                received.len() <= 3,
                "only 3 values were sent, got {received:?}"
            );
        }
        assert_eq!(
            received,
            [1, 2, 3],
            "the values must come out once each, in the order they were sent, then None.{}",
            if received.len() < 3 {
                " Values are missing: `poll_recv` looked at \"every sender is gone\" before \
                 the queue, and left behind what was still in it."
            } else {
                " The order is wrong: take the oldest value first (a first-in, first-out \
                 queue, such as a `VecDeque` with `push_back` and `pop_front`)."
            }
        );
    });
}

#[test]
fn a_waiting_receiver_is_woken_by_a_send_from_another_thread() {
    within(LIMIT, || {
        let (sender, mut receiver) = mpsc::channel();
        let mut driver = Driver::new("Receiver::recv");
        let mut recv = pin!(receiver.recv());
        for n in 1..=3 {
            assert_eq!(
                driver.poll(recv.as_mut()),
                Poll::Pending,
                "poll {n}: the channel is empty and a sender is alive: Pending"
            );
        }
        assert_eq!(
            driver.wakes(),
            0,
            "`recv` woke its own waker while the channel was empty: busy waking"
        );
        // A clone stays here: the sending thread's drop of its sender is
        // not the last, so only `send` can wake the receiver.
        let clone = sender.clone();
        thread::spawn(move || sender.send("hi"))
            .join()
            .expect("send panicked")
            .expect("the receiver is alive");
        assert_eq!(
            driver.wakes(),
            1,
            "`recv` was Pending, then a value was sent: `send` must wake the waker of the \
             latest poll, once. Without it, the receiving task is never polled again."
        );
        assert_eq!(
            driver.poll(recv.as_mut()),
            Poll::Ready(Some("hi")),
            "after the send, `recv` must return the value"
        );
        // Not dropped: a miscounted sender could panic in its `drop` here;
        // `the_channel_ends_when_the_last_clone_is_dropped_not_before` tells.
        std::mem::forget(clone);
    });
}

#[test]
fn the_channel_ends_when_the_last_clone_is_dropped_not_before() {
    within(LIMIT, || {
        let (sender, mut receiver) = mpsc::channel::<u32>();
        let clone = sender.clone();
        let mut driver = Driver::new("Receiver::recv");
        let mut recv = pin!(receiver.recv());
        drop(sender);
        let poll = driver.poll(recv.as_mut());
        if poll != Poll::Pending {
            // Keep the clone from being dropped while this test unwinds: a
            // sender count that is off could panic again in its `drop`.
            std::mem::forget(clone);
            panic!(
                "the original sender was dropped, but a clone of it is alive and may still \
                 send: the channel has not ended, so `recv` must wait (Pending), but it returned \
                 {poll:?}. Likely cause: the senders are not counted (each `clone` adds one, \
                 each `drop` removes one), and the first drop ends the channel."
            );
        }
        thread::spawn(move || drop(clone))
            .join()
            .expect("dropping the clone panicked");
        assert_eq!(
            driver.wakes(),
            1,
            "`recv` was waiting when the last sender was dropped: that drop must wake it \
             (once), or it waits forever. This is the `recv` that never ends: nothing will \
             ever be sent, and nobody tells the receiver."
        );
        assert_eq!(
            driver.poll(recv.as_mut()),
            Poll::Ready(None),
            "every sender is gone and the channel is empty: `recv` must return None"
        );
    });
}

#[test]
fn wakes_the_waker_from_the_latest_poll() {
    within(LIMIT, || {
        let (sender, mut receiver) = mpsc::channel();
        let mut first = Driver::new("recv in the first task");
        let mut second = Driver::new("recv in the second task");
        {
            let mut recv = pin!(receiver.recv());
            assert_eq!(first.poll(recv.as_mut()), Poll::Pending, "empty: Pending");
            assert_eq!(second.poll(recv.as_mut()), Poll::Pending, "empty: Pending");
        }
        let _ = sender.send(1);
        assert_eq!(
            (first.wakes(), second.wakes()),
            (0, 1),
            "(wakes of the waker from poll 1, from poll 2) after a send: only the latest \
             poll's waker may be woken. Keep the waker of every Pending poll, not the first."
        );
    });
}

#[test]
fn send_to_a_dropped_receiver_hands_the_value_back() {
    within(LIMIT, || {
        let (sender, receiver) = mpsc::channel();
        drop(receiver);
        assert_eq!(
            sender.send(String::from("anyone?")),
            Err(String::from("anyone?")),
            "the receiver is gone: `send` must return Err(value) instead of keeping a value \
             nobody will read"
        );
    });
}

#[test]
fn works_between_tokio_tasks() {
    let received = on_paused_tokio(LIMIT, || async {
        let (sender, mut receiver) = mpsc::channel();
        for task in 0..3 {
            let sender = sender.clone();
            tokio::spawn(async move {
                for n in 0..3 {
                    tokio::time::sleep(Duration::from_millis(10)).await;
                    let _ = sender.send((task, n));
                }
            });
        }
        drop(sender);
        let mut received = Vec::new();
        loop {
            match tokio::time::timeout(Duration::from_secs(3600), receiver.recv()).await {
                Ok(Some(value)) => received.push(value),
                Ok(None) => return received,
                Err(_) => panic!(
                    "after {received:?}, `recv` waited an hour (of paused time): three tasks \
                     sent 3 values each, then dropped their senders, so the channel should \
                     have ended. Likely cause: the last sender's drop does not end the channel \
                     or does not wake the receiver."
                ),
            }
        }
    });
    assert_eq!(
        received.len(),
        9,
        "3 tasks sent 3 values each: {received:?}"
    );
}
