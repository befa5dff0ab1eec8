use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering::SeqCst};
use std::time::Duration;

#[tokio::main(flavor = "current_thread")]
async fn main() {
    let beats = Arc::new(AtomicUsize::new(0));
    let counter = beats.clone();
    tokio::spawn(async move {
        let mut ticks = tokio::time::interval(Duration::from_millis(10));
        loop {
            ticks.tick().await;
            counter.fetch_add(1, SeqCst);
        }
    });
    tokio::task::yield_now().await; // the heartbeat starts
    let before = beats.load(SeqCst);
    std::thread::sleep(Duration::from_millis(50));
    println!("beats during the sleep: {}", beats.load(SeqCst) - before);
}
