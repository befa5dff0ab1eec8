//! Helpers for the programs in `tests/ui/`. Nothing to edit here: the
//! programs are what you fix.

use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};

/// A future that is `Pending` once, with its wake-up already arranged, and
/// `Ready` on the next poll: a stand-in for any wait.
pub fn pause() -> Pause {
    Pause { paused: false }
}

/// The future [`pause`] returns. It is `Unpin`: it holds only a flag.
#[derive(Debug)]
pub struct Pause {
    paused: bool,
}

impl Future for Pause {
    type Output = ();

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        if self.paused {
            return Poll::Ready(());
        }
        self.paused = true;
        cx.waker().wake_by_ref();
        Poll::Pending
    }
}

/// A tree of numbers.
#[derive(Debug)]
pub struct Tree {
    pub value: u64,
    pub children: Vec<Tree>,
}

impl Tree {
    /// A tree with no children.
    pub fn leaf(value: u64) -> Tree {
        Tree {
            value,
            children: Vec::new(),
        }
    }

    /// A tree with `children` below `value`.
    pub fn node(value: u64, children: Vec<Tree>) -> Tree {
        Tree { value, children }
    }
}
