//! An unbounded multi-producer, single-consumer channel, from scratch.
//!
//! The challenge: write it from its contract. The tests say what went
//! wrong; the pages of the Channels chapter have what you need.

use std::marker::PhantomData;
use std::task::{Context, Poll};

// ANCHOR: contract
/// A new unbounded channel: any number of senders (clone the `Sender`),
/// one receiver.
///
/// - Every value sent is received exactly once, and the values of each
///   sender arrive in the order that sender sent them, however many
///   threads send at once.
/// - The channel ends when the last sender (the original and every clone)
///   is dropped: the receiver then gets every value still in the channel,
///   and after them `None`.
/// - Once the receiver is dropped, `send` hands the value back as `Err`.
pub fn channel<T>() -> (Sender<T>, Receiver<T>) {
    // TODO
    todo!("channel is not written yet")
}

/// Sends values into the channel, from any thread. Clone it for more
/// senders.
pub struct Sender<T> {
    // TODO: your fields.
    _todo: PhantomData<T>,
}

/// Receives the values, in a task.
pub struct Receiver<T> {
    // TODO: your fields.
    _todo: PhantomData<T>,
}

impl<T> Sender<T> {
    /// Puts `value` in the channel at once (never waits), and wakes the
    /// receiver if it is waiting. `Err(value)` if the receiver is gone.
    pub fn send(&self, value: T) -> Result<(), T> {
        // TODO
        let _ = value;
        todo!("Sender::send is not written yet")
    }
}

impl<T> Clone for Sender<T> {
    /// Another sender for the same channel.
    fn clone(&self) -> Self {
        // TODO
        todo!("Sender::clone is not written yet")
    }
}

impl<T> Drop for Sender<T> {
    fn drop(&mut self) {
        // TODO: the last sender to go ends the channel.
    }
}

impl<T> Receiver<T> {
    /// `Ready(Some(value))`: the oldest value in the channel.
    /// `Ready(None)`: the channel is empty and every sender is gone.
    /// `Pending`: the channel is empty and a sender is alive; the waker of
    /// this poll, the latest, is woken when either changes, from any
    /// thread. Never blocks, never wakes itself while it waits.
    pub fn poll_recv(&mut self, cx: &mut Context<'_>) -> Poll<Option<T>> {
        // TODO
        let _ = cx;
        todo!("Receiver::poll_recv is not written yet")
    }

    /// The next value, or `None` once the channel has ended.
    pub async fn recv(&mut self) -> Option<T> {
        std::future::poll_fn(|cx| self.poll_recv(cx)).await
    }
}

impl<T> Drop for Receiver<T> {
    fn drop(&mut self) {
        // TODO: from now on, `send` hands values back.
    }
}
// ANCHOR_END: contract
