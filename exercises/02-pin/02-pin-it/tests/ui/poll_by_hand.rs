// TODO: this program does not compile: `Future::poll` takes
// `self: Pin<&mut Self>`, and this async block is `!Unpin`. Make it compile
// and run to the end, with no `unsafe`: one future, polled by hand on each
// turn of the loop and resumed where it stopped, not made anew.
#![forbid(unsafe_code)]

use std::future::Future;
use std::task::{Context, Poll, Waker};

use pin_it::pause;

fn main() {
    let name = String::from("pinned");
    let future = async {
        let words = ["hello", name.as_str()];
        let second = &words[1]; // a borrow of the block's own local...
        pause().await; // ...kept across an .await
        format!("{} {second}", words[0])
    };

    let mut cx = Context::from_waker(Waker::noop());
    let mut polls = 0;
    let output = loop {
        polls += 1;
        assert!(
            polls <= 3,
            "polled 3 times and still Pending: is a new future made for each poll?"
        );
        if let Poll::Ready(output) = future.poll(&mut cx) {
            break output;
        }
    };
    assert_eq!(output, "hello pinned");
    assert_eq!(polls, 2, "the block pauses once: Pending, then Ready");
}
