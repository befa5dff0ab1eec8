use std::time::Duration;

use tokio::sync::mpsc;
use tokio::time::{Instant, sleep};

#[tokio::main(flavor = "current_thread", start_paused = true)]
async fn main() {
    let (sender, mut messages) = mpsc::channel(1);
    tokio::spawn(async move {
        for n in 0..10 {
            sleep(Duration::from_millis(5)).await;
            sender.send(n).await.unwrap();
        }
    });
    let start = Instant::now();
    let mut count = 0;
    loop {
        tokio::select! {
            Some(_) = messages.recv() => count += 1,
            () = sleep(Duration::from_millis(8)) => break,
        }
    }
    println!("stopped after {:?} with {count} messages", start.elapsed());
}
