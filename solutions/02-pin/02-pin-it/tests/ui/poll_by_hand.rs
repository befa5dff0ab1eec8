//! Polls an async block by hand.
//!
//! Why this works: `pin!` moves the block into a slot of `main`'s frame that
//! can no longer be named, and hands back a `Pin<&mut _>` to it, so the block
//! stays at one address from its first poll to its last, as its borrow of
//! `words` needs. `.as_mut()` reborrows that pin for each poll, so the one
//! future is resumed, not rebuilt.
#![forbid(unsafe_code)]

use std::future::Future;
use std::pin::pin;
use std::task::{Context, Poll, Waker};

use pin_it::pause;

fn main() {
    let name = String::from("pinned");
    let mut future = pin!(async {
        let words = ["hello", name.as_str()];
        let second = &words[1]; // a borrow of the block's own local...
        pause().await; // ...kept across an .await
        format!("{} {second}", words[0])
    });

    let mut cx = Context::from_waker(Waker::noop());
    let mut polls = 0;
    let output = loop {
        polls += 1;
        assert!(
            polls <= 3,
            "polled 3 times and still Pending: is a new future made for each poll?"
        );
        if let Poll::Ready(output) = future.as_mut().poll(&mut cx) {
            break output;
        }
    };
    assert_eq!(output, "hello pinned");
    assert_eq!(polls, 2, "the block pauses once: Pending, then Ready");
}
