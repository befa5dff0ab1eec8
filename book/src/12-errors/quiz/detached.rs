use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering::SeqCst};
use std::time::Duration;

use tokio::time::sleep;

#[tokio::main(flavor = "current_thread", start_paused = true)]
async fn main() {
    let finished = Arc::new(AtomicBool::new(false));
    let flag = finished.clone();
    let slow = tokio::spawn(async move {
        sleep(Duration::from_secs(5)).await;
        flag.store(true, SeqCst);
        Ok::<u32, String>(1)
    });

    let failing = async { Err::<u32, String>("no".to_owned()) };
    let waiting = async { slow.await.map_err(|e| e.to_string())? };
    let result = tokio::try_join!(failing, waiting);
    println!("try_join!: {result:?}");

    sleep(Duration::from_secs(10)).await;
    println!("slow task finished: {}", finished.load(SeqCst));
}
