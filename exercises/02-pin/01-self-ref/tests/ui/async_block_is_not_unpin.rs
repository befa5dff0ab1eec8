// The compiler treats every async block as `!Unpin`: this one really does
// hold a reference into itself (`first` points into `words`) across an
// `.await`, so polling it through `Pin::new` is refused.
use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Waker};

async fn yield_once() {}

fn main() {
    let mut future = async {
        let words = [1, 2, 3];
        let first = &words[0];
        yield_once().await;
        *first
    };
    let mut cx = Context::from_waker(Waker::noop());
    let _ = Pin::new(&mut future).poll(&mut cx);
}
