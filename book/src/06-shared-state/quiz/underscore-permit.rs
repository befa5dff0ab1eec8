use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering::SeqCst};
use std::time::Duration;

use tokio::sync::Semaphore;

#[tokio::main(flavor = "current_thread", start_paused = true)]
async fn main() {
    let permits = Arc::new(Semaphore::new(2));
    let (running, most) = (Arc::new(AtomicUsize::new(0)), Arc::new(AtomicUsize::new(0)));
    let mut tasks = Vec::new();
    for _ in 0..5 {
        let (permits, running, most) = (permits.clone(), running.clone(), most.clone());
        tasks.push(tokio::spawn(async move {
            let _ = permits.acquire().await.unwrap();
            most.fetch_max(running.fetch_add(1, SeqCst) + 1, SeqCst);
            tokio::time::sleep(Duration::from_secs(1)).await;
            running.fetch_sub(1, SeqCst);
        }));
    }
    for task in tasks {
        task.await.unwrap();
    }
    println!("at most {} at once", most.load(SeqCst));
}
