use std::time::Duration;

use futures::stream::{self, StreamExt};
use tokio::time::timeout;

#[tokio::main(flavor = "current_thread", start_paused = true)]
async fn main() {
    let mut doubled = stream::iter(1..=3)
        .map(|n| async move { n * 2 })
        .buffer_unordered(0);
    match timeout(Duration::from_secs(60), doubled.next()).await {
        Ok(item) => println!("got {item:?}"),
        Err(_) => println!("still nothing after 60 s"),
    }
}
