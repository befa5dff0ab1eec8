use std::time::Duration;

use tokio::time::{Instant, interval, sleep};

#[tokio::main(flavor = "current_thread", start_paused = true)]
async fn main() {
    let start = Instant::now();
    let mut ticks = interval(Duration::from_millis(10));
    ticks.tick().await;
    sleep(Duration::from_millis(35)).await; // busy elsewhere
    let mut at = Vec::new();
    for _ in 0..4 {
        ticks.tick().await;
        at.push(start.elapsed().as_millis());
    }
    println!("{at:?}");
}
