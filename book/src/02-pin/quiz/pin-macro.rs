use std::future::Future;
use std::pin::pin;
use std::task::{Context, Poll, Waker};

async fn answer() -> u32 {
    42
}

fn main() {
    let mut future = pin!(answer());
    let mut cx = Context::from_waker(Waker::noop());
    match future.as_mut().poll(&mut cx) {
        Poll::Ready(n) => println!("ready {n}"),
        Poll::Pending => println!("pending"),
    }
}
