use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::Duration;

/// Not ready yet, and arranges no wake-up.
struct Forgetful {
    polls: u32,
}

impl Future for Forgetful {
    type Output = ();

    fn poll(mut self: Pin<&mut Self>, _cx: &mut Context<'_>) -> Poll<()> {
        self.polls += 1;
        println!("poll {}", self.polls);
        Poll::Pending
    }
}

#[tokio::main(flavor = "current_thread", start_paused = true)]
async fn main() {
    let waited = tokio::time::timeout(Duration::from_secs(60), Forgetful { polls: 0 }).await;
    println!("timed out: {}", waited.is_err());
}
