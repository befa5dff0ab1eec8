use std::fmt::Debug;
use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};

use crate::Trace;

/// A leaf future that follows a script: it returns `Pending` a fixed number
/// of times (waking its waker each time, so it is always polled again), then
/// `Ready(output)`.
///
/// Every poll is written to a [`Trace`], and polling it again after it
/// returned `Ready` panics, as most real futures do.
pub struct Scripted<T> {
    name: &'static str,
    trace: Trace,
    pending_left: usize,
    output: Option<T>,
    trace_drop: bool,
}

impl<T> Scripted<T> {
    /// A future called `name` that is `Pending` `pendings` times, then `Ready(output)`.
    pub fn new(name: &'static str, trace: &Trace, pendings: usize, output: T) -> Self {
        Self {
            name,
            trace: trace.clone(),
            pending_left: pendings,
            output: Some(output),
            trace_drop: false,
        }
    }

    /// Also records when the future is dropped.
    pub fn trace_drop(mut self) -> Self {
        self.trace_drop = true;
        self
    }

    /// How many more times it will return `Pending`.
    pub fn pending_left(&self) -> usize {
        self.pending_left
    }
}

impl<T: Debug + Unpin> Future for Scripted<T> {
    type Output = T;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<T> {
        let name = self.name;
        if self.output.is_none() {
            self.trace
                .push(format!("  {name}: polled after completion"));
            panic!(
                "`{name}` was polled again after it returned Poll::Ready. \
                 A finished future must not be polled again: remember that it is done."
            );
        }
        if self.pending_left > 0 {
            self.pending_left -= 1;
            self.trace.push(format!("  {name}: Pending"));
            cx.waker().wake_by_ref();
            return Poll::Pending;
        }
        let output = self.output.take().expect("checked above");
        self.trace.push(format!("  {name}: Ready({output:?})"));
        Poll::Ready(output)
    }
}

impl<T> Drop for Scripted<T> {
    fn drop(&mut self) {
        if self.trace_drop {
            self.trace.push(format!("  {}: dropped", self.name));
        }
    }
}
