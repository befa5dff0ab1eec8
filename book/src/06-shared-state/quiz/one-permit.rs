use std::time::Duration;

use tokio::sync::Notify;
use tokio::time::timeout;

#[tokio::main(flavor = "current_thread", start_paused = true)]
async fn main() {
    let ready = Notify::new();
    ready.notify_one();
    ready.notify_one();
    for waiter in ["first", "second"] {
        match timeout(Duration::from_secs(60), ready.notified()).await {
            Ok(()) => println!("{waiter}: woke"),
            Err(_) => println!("{waiter}: still waiting"),
        }
    }
}
