use std::time::Duration;

use tokio::time::{sleep, timeout};
use tokio_util::task::TaskTracker;

#[tokio::main(flavor = "current_thread", start_paused = true)]
async fn main() {
    let tracker = TaskTracker::new();
    tracker.spawn(async { sleep(Duration::from_millis(10)).await });
    let waited = timeout(Duration::from_secs(60), tracker.wait()).await;
    println!("tasks left: {}, waited: {}", tracker.len(), waited.is_ok());
}
