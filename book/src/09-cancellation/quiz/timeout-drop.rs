use std::time::Duration;

use tokio::time::{sleep, timeout};

struct Guard;

impl Drop for Guard {
    fn drop(&mut self) {
        println!("guard dropped");
    }
}

async fn save() {
    let _guard = Guard;
    println!("writing");
    sleep(Duration::from_secs(2)).await;
    println!("written");
}

#[tokio::main(flavor = "current_thread", start_paused = true)]
async fn main() {
    let result = timeout(Duration::from_secs(1), save()).await;
    println!("timed out: {}", result.is_err());
}
