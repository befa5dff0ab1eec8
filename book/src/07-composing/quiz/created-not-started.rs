use std::time::Duration;

use tokio::time::{Instant, sleep};

async fn fetch(ms: u64) -> u64 {
    sleep(Duration::from_millis(ms)).await;
    ms
}

#[tokio::main(flavor = "current_thread", start_paused = true)]
async fn main() {
    let start = Instant::now();
    let a = fetch(30);
    let b = fetch(50);
    let total = a.await + b.await;
    println!("{total} after {:?}", start.elapsed());
}
