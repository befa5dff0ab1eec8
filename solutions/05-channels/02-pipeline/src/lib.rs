//! A pipeline: a source and stages, each a task, joined by bounded channels.
//!
//! Why this works: every channel is a bounded `tokio::sync::mpsc` channel
//! of the given capacity, and each task awaits `send`, which waits while
//! the channel is full. So a task that has taken one item more than fits
//! stops right there, holding it, until its reader makes room: it can be
//! at most `capacity + 1` items ahead, and backpressure travels up the
//! pipeline one full buffer at a time. Each task owns the only `Sender` of
//! its output; when it returns, the sender is dropped and the reader's
//! `recv` returns `None` after the buffered items, so the end of the source
//! flows down. When the reader is gone, `send` returns `Err`; the task
//! returns at once, dropping its `input`, whose sender then fails in turn,
//! so a reader that leaves early stops every task before it.

use std::future::Future;

use tokio::sync::mpsc::{self, Receiver};

/// Starts a task that sends `items`, in order, on a new channel that holds
/// at most `capacity` items (`capacity >= 1`), and returns the channel's
/// receiver. Call it inside a tokio runtime.
///
/// - Backpressure: the task takes the next item from the iterator only
///   when there is room for it, so while nobody receives, it has taken at
///   least `capacity` and at most `capacity + 1` items from the iterator.
/// - Shutdown: after the last item the channel ends (the receiver's `recv`
///   returns `None`). If the receiver is dropped, the task stops taking
///   items and ends.
pub fn source<I>(items: I, capacity: usize) -> Receiver<I::Item>
where
    I: IntoIterator + Send + 'static,
    I::IntoIter: Send + 'static,
    I::Item: Send + 'static,
{
    let (sender, receiver) = mpsc::channel(capacity);
    tokio::spawn(async move {
        for item in items {
            if sender.send(item).await.is_err() {
                return; // the receiver is gone: nobody wants the rest
            }
        }
        // `sender` is dropped here: the channel ends after the last item.
    });
    receiver
}

/// Starts a task that receives each item from `input`, turns it into
/// `work(item).await`, and sends the results, in order, on a new channel
/// that holds at most `capacity` items (`capacity >= 1`); returns that
/// channel's receiver. Call it inside a tokio runtime.
///
/// - Backpressure: while nobody receives its output, the stage has called
///   `work` at least `capacity` and at most `capacity + 1` times.
/// - Shutdown: when `input` ends, the output ends after the last result.
///   If the output's receiver is dropped, the stage stops receiving from
///   `input` and ends, dropping `input`, so that the stage before it
///   stops too.
pub fn stage<T, U, F, Fut>(mut input: Receiver<T>, capacity: usize, mut work: F) -> Receiver<U>
where
    T: Send + 'static,
    U: Send + 'static,
    F: FnMut(T) -> Fut + Send + 'static,
    Fut: Future<Output = U> + Send,
{
    let (sender, receiver) = mpsc::channel(capacity);
    tokio::spawn(async move {
        while let Some(item) = input.recv().await {
            let result = work(item).await;
            if sender.send(result).await.is_err() {
                return; // the reader is gone: stop, and drop `input`
            }
        }
        // `input` ended: dropping `sender` ends the output too.
    });
    receiver
}
