use std::sync::atomic::{AtomicUsize, Ordering::SeqCst};
use std::time::Duration;

use futures::stream::{self, StreamExt};
use tokio::time::sleep;

static FINISHED: AtomicUsize = AtomicUsize::new(0);

async fn fetch(id: u64) -> u64 {
    sleep(Duration::from_millis(10 * id)).await;
    FINISHED.fetch_add(1, SeqCst);
    id
}

#[tokio::main(flavor = "current_thread", start_paused = true)]
async fn main() {
    let mut results = stream::iter(1..=4).map(fetch).buffer_unordered(4);
    let first = results.next().await;
    drop(results);
    sleep(Duration::from_secs(1)).await;
    println!("first {first:?}, finished {}", FINISHED.load(SeqCst));
}
