use std::time::Duration;

use tokio::time::{sleep, timeout};

#[tokio::main(flavor = "current_thread", start_paused = true)]
async fn main() {
    let ten = Duration::from_millis(10);
    let result = timeout(ten, sleep(ten)).await;
    println!("{result:?}");
}
