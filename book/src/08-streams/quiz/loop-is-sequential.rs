use std::time::Duration;

use futures::stream::{self, StreamExt};
use tokio::time::{Instant, sleep};

async fn fetch(id: u32) -> u32 {
    sleep(Duration::from_millis(100)).await;
    id
}

#[tokio::main(flavor = "current_thread", start_paused = true)]
async fn main() {
    let start = Instant::now();
    let mut ids = stream::iter([1, 2, 3]);
    while let Some(id) = ids.next().await {
        fetch(id).await;
    }
    println!("{} ms", start.elapsed().as_millis());
}
