use std::time::Duration;

use tokio::time::{sleep, timeout};

#[tokio::main(flavor = "current_thread", start_paused = true)]
async fn main() {
    let result = timeout(Duration::from_millis(10), sleep(Duration::from_millis(10))).await;
    println!("{result:?}");
}
