use std::future::Future;
use std::pin::{Pin, pin};
use std::sync::{Arc, Mutex, mpsc};
use std::task::{Context, Poll, Wake, Waker};
use std::thread;
use std::time::{Duration, Instant};

use oneshot::{Canceled, Receiver, Sender};
use workbook_support::{Driver, Limits, on_paused_tokio, within};

const LIMIT: Duration = Duration::from_secs(5);

/// Runs `f` on a thread of its own and waits until it has finished.
fn on_another_thread<T: Send + 'static>(what: &str, f: impl FnOnce() -> T + Send + 'static) -> T {
    thread::spawn(f)
        .join()
        .unwrap_or_else(|_| panic!("{what} panicked on another thread"))
}

/// What to add to a failure where a sent value came out as `Err(Canceled)`.
fn canceled_after_send<T>(poll: &Poll<Result<T, Canceled>>) -> &'static str {
    match poll {
        Poll::Ready(Err(Canceled)) => {
            " It was Err(Canceled): `send` takes `self`, so the sender is always dropped right \
             after it sends. Likely cause: `poll` looks at \"the sender is gone\" before it \
             looks for a value, or the sender's drop throws the value away."
        }
        _ => "",
    }
}

#[test]
fn ready_if_sent_before_the_first_poll() {
    within(LIMIT, || {
        let (sender, receiver) = oneshot::channel();
        let sent = sender.send(7);
        assert_eq!(
            sent,
            Ok(()),
            "send must return Ok(()) while the receiver is alive; it returned Err, handing the \
             value back, as if the receiver had been dropped"
        );
        let mut driver = Driver::new("Receiver");
        let poll = driver.poll(pin!(receiver));
        assert_eq!(
            poll,
            Poll::Ready(Ok(7)),
            "a value sent before the first poll must be Ready on that poll, as Ok(value).{}",
            canceled_after_send(&poll)
        );
        assert_eq!(driver.wakes(), 0, "a Ready future needs no wake-up");
    });
}

#[test]
fn a_waiting_receiver_is_woken_by_send() {
    within(LIMIT, || {
        let mut driver = Driver::new("Receiver");
        let (sender, receiver) = oneshot::channel();
        let mut receiver = pin!(receiver);
        for n in 1..=3 {
            assert_eq!(
                driver.poll(receiver.as_mut()),
                Poll::Pending,
                "poll {n}: nothing has been sent and the sender is alive, so the receiver must \
                 be Pending"
            );
        }
        assert_eq!(
            driver.wakes(),
            0,
            "the receiver woke its own waker {} times in 3 polls before anything was sent: \
             busy waking. Only the sender's side should wake it.",
            driver.wakes()
        );
        let sent = on_another_thread("send", move || sender.send("hello"));
        assert_eq!(
            sent,
            Ok(()),
            "send must return Ok(()) while the receiver is alive"
        );
        assert_eq!(
            driver.wakes(),
            1,
            "the receiver was polled (Pending) before the send, and `send` should then wake the \
             waker of that poll exactly once; it was woken {} times. With no wake-up, an \
             executor never polls the receiver again and it hangs. Likely cause: `poll` does \
             not keep `cx.waker()` where `send` can find it, or `send` does not wake it.",
            driver.wakes()
        );
        let poll = driver.poll(receiver.as_mut());
        assert_eq!(
            poll,
            Poll::Ready(Ok("hello")),
            "after `send` the receiver must be Ready(Ok(value)).{}",
            canceled_after_send(&poll)
        );
    });
}

#[test]
fn wakes_the_waker_from_the_latest_poll() {
    within(LIMIT, || {
        let mut first = Driver::new("Receiver in the first task");
        let mut second = Driver::new("Receiver in the second task");
        let (sender, receiver) = oneshot::channel();
        let mut receiver = pin!(receiver);
        for (poll, driver) in [(1, &mut first), (2, &mut second)] {
            assert_eq!(
                driver.poll(receiver.as_mut()),
                Poll::Pending,
                "poll {poll}: nothing has been sent, so the receiver must be Pending"
            );
        }
        let _ = sender.send(1);
        assert_eq!(
            (first.wakes(), second.wakes()),
            (0, 1),
            "(wakes of the waker from poll 1, wakes of the waker from poll 2) after send: only \
             the waker from the latest poll may be woken; a receiver moved to another task must \
             not be left waiting. Keep the waker of every Pending poll, not only the first."
        );
    });
}

#[test]
fn dropping_the_sender_wakes_a_waiting_receiver_with_canceled() {
    within(LIMIT, || {
        let mut driver = Driver::new("Receiver");
        let (sender, receiver) = oneshot::channel::<u32>();
        let mut receiver = pin!(receiver);
        assert_eq!(
            driver.poll(receiver.as_mut()),
            Poll::Pending,
            "nothing has been sent and the sender is alive, so the receiver must be Pending"
        );
        on_another_thread("dropping the sender", move || drop(sender));
        assert_eq!(
            driver.wakes(),
            1,
            "the receiver was waiting when the sender was dropped without sending; the drop \
             should wake it once, so that it can end, but it was woken {} times. Nothing will \
             ever be sent now: without a wake-up the receiver waits forever. Likely cause: \
             the sender's `drop` does not record that it is gone, or does not wake the \
             receiver's waker.",
            driver.wakes()
        );
        assert_eq!(
            driver.poll(receiver.as_mut()),
            Poll::Ready(Err(Canceled)),
            "a receiver whose sender was dropped without sending must end with Err(Canceled)"
        );
    });
}

#[test]
fn a_sender_dropped_before_the_first_poll_cancels() {
    within(LIMIT, || {
        let (sender, receiver) = oneshot::channel::<u32>();
        drop(sender);
        let mut driver = Driver::new("Receiver");
        assert_eq!(
            driver.poll(pin!(receiver)),
            Poll::Ready(Err(Canceled)),
            "the sender was dropped without sending before the receiver was polled: its first \
             poll must be Ready(Err(Canceled)), not Pending (nobody is left to wake it)"
        );
    });
}

#[test]
fn send_to_a_dropped_receiver_hands_the_value_back() {
    within(LIMIT, || {
        let (sender, receiver) = oneshot::channel();
        drop(receiver);
        assert_eq!(
            sender.send(String::from("lost?")),
            Err(String::from("lost?")),
            "the receiver was dropped, so nobody will ever read the value: send must return \
             Err(value), handing it back, instead of Ok(()) (the caller would believe it was \
             delivered). Likely cause: the receiver's `drop` does not record that it is gone."
        );
    });
}

#[test]
fn a_send_from_another_thread_wakes_a_sleeping_executor() {
    within(LIMIT, || {
        let (sender, receiver) = oneshot::channel();
        let (polled, go) = mpsc::channel();
        let sending = thread::spawn(move || {
            go.recv_timeout(LIMIT)
                .expect("the receiver was never polled");
            sender.send(42)
        });
        // Tells the sending thread to go once the receiver has returned Pending.
        let mut receiver = Box::pin(receiver);
        let future = std::future::poll_fn(move |cx| {
            let poll = receiver.as_mut().poll(cx);
            if poll.is_pending() {
                let _ = polled.send(());
            }
            poll
        });
        let mut driver = Driver::new("Receiver, sent to from another thread");
        let received = driver.run_blocking(future, Duration::from_secs(2), Limits::default());
        assert_eq!(
            received,
            Ok(42),
            "the receiver must output the value sent.{}",
            canceled_after_send(&Poll::Ready(received))
        );
        let sent = sending.join().expect("the sending thread panicked");
        assert_eq!(
            sent,
            Ok(()),
            "send must return Ok(()) while the receiver is alive"
        );
    });
}

/// The waker of an eager executor with another worker thread: waking it
/// polls the receiver at once, on that thread, and waits (briefly) for the
/// result, as a woken task may be polled before `wake` has even returned.
struct Eager {
    receiver: Mutex<Receiver<u32>>,
    /// What each poll caused by a wake-up returned.
    seen: Mutex<Vec<Poll<Result<u32, Canceled>>>>,
}

impl Wake for Eager {
    fn wake(self: Arc<Self>) {
        let (done, finished) = mpsc::channel();
        let eager = self.clone();
        thread::spawn(move || {
            let mut receiver = eager.receiver.lock().unwrap();
            let poll = Pin::new(&mut *receiver).poll(&mut Context::from_waker(Waker::noop()));
            eager.seen.lock().unwrap().push(poll);
            let _ = done.send(());
        });
        let _ = finished.recv_timeout(Duration::from_millis(200));
    }
}

#[test]
fn the_task_woken_by_send_finds_the_value() {
    within(LIMIT, || {
        let (sender, receiver) = oneshot::channel();
        let eager = Arc::new(Eager {
            receiver: Mutex::new(receiver),
            seen: Mutex::new(Vec::new()),
        });
        let waker = Waker::from(eager.clone());
        let first =
            Pin::new(&mut *eager.receiver.lock().unwrap()).poll(&mut Context::from_waker(&waker));
        assert_eq!(first, Poll::Pending, "nothing sent yet: Pending");
        let _ = on_another_thread("send", move || sender.send(9));
        let deadline = Instant::now() + Duration::from_secs(2);
        while eager.seen.lock().unwrap().is_empty() && Instant::now() < deadline {
            thread::yield_now();
        }
        let seen = eager.seen.lock().unwrap().clone();
        assert_eq!(
            seen,
            [Poll::Ready(Ok(9))],
            "`send` woke the receiver's waker, and the executor polled it at once, on another \
             thread (expected: one poll, Ready(Ok(9))). A woken task may be polled before `wake` \
             returns: if the value is not in place yet, that poll says Pending and the wake-up \
             is spent. Likely cause: `send` wakes before it stores the value."
        );
    });
}

// Request and response on tokio: a task answers after a (paused) second.
#[test]
fn works_between_tokio_tasks() {
    let answer = on_paused_tokio(LIMIT, || async {
        let (reply, response) = oneshot::channel();
        tokio::spawn(async move {
            tokio::time::sleep(Duration::from_secs(1)).await;
            let _ = reply.send(String::from("pong"));
        });
        tokio::time::timeout(Duration::from_secs(10), response).await
    });
    let answer = answer.expect(
        "the receiver was never woken after the task sent its reply: tokio never polled it again",
    );
    assert_eq!(
        answer,
        Ok(String::from("pong")),
        "the receiver must output the reply"
    );
}

#[test]
fn both_halves_can_move_to_other_threads() {
    fn assert_send<T: Send>() {}
    assert_send::<Sender<String>>();
    assert_send::<Receiver<String>>();
}
