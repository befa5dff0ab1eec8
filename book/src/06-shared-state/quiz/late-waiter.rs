use std::time::Duration;

use tokio::sync::Notify;
use tokio::time::timeout;

#[tokio::main(flavor = "current_thread", start_paused = true)]
async fn main() {
    let ready = Notify::new();
    ready.notify_waiters();
    match timeout(Duration::from_secs(60), ready.notified()).await {
        Ok(()) => println!("woke"),
        Err(_) => println!("still waiting after 60 s"),
    }
}
