// The compiler treats every async block as `!Unpin`. This one really does
// hold a reference into itself (`r` points into `buf`) across an `.await`,
// so polling it through `Pin::new`, which needs `Unpin`, is refused.
use std::future::{Future, poll_fn};
use std::pin::Pin;
use std::task::{Context, Poll, Waker};

/// Pending once (after arranging to be polled again), then Ready.
async fn yield_once() {
    let mut yielded = false;
    poll_fn(|cx| {
        if yielded {
            return Poll::Ready(());
        }
        yielded = true;
        cx.waker().wake_by_ref();
        Poll::Pending
    })
    .await;
}

fn main() {
    let mut future = async {
        let buf = [7u8; 1024];
        let r = &buf[10]; // a reference to the block's own local...
        yield_once().await; // ...kept across an .await
        *r
    };
    let mut cx = Context::from_waker(Waker::noop());
    let _ = Pin::new(&mut future).poll(&mut cx);
}
