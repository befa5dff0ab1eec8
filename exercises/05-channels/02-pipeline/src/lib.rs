//! A pipeline: a source and stages, each a task, joined by bounded channels.

use std::future::Future;

use tokio::sync::mpsc::Receiver;

// ANCHOR: contract
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
    // TODO
    drop(items);
    todo!("source (capacity {capacity}) is not written yet")
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
pub fn stage<T, U, F, Fut>(input: Receiver<T>, capacity: usize, work: F) -> Receiver<U>
where
    T: Send + 'static,
    U: Send + 'static,
    F: FnMut(T) -> Fut + Send + 'static,
    Fut: Future<Output = U> + Send,
{
    // TODO
    drop((input, work));
    todo!("stage (capacity {capacity}) is not written yet")
}
// ANCHOR_END: contract
