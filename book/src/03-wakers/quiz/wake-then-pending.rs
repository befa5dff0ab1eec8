use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};

struct YieldOnce {
    yielded: bool,
}

impl Future for YieldOnce {
    type Output = ();

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        println!("poll");
        if self.yielded {
            return Poll::Ready(());
        }
        self.yielded = true;
        cx.waker().wake_by_ref();
        println!("woken, returning Pending");
        Poll::Pending
    }
}

#[tokio::main(flavor = "current_thread")]
async fn main() {
    YieldOnce { yielded: false }.await;
    println!("done");
}
