use std::time::Duration;

use tokio::sync::mpsc;
use tokio::time::{interval, sleep};

#[tokio::main(flavor = "current_thread", start_paused = true)]
async fn main() {
    let (sender, mut receiver) = mpsc::channel(8);
    tokio::spawn(async move {
        for n in 1..=3 {
            sleep(Duration::from_millis(7)).await;
            sender.send(n).await.unwrap();
        }
    });
    let mut ticks = interval(Duration::from_millis(2));
    let mut received = Vec::new();
    loop {
        tokio::select! {
            message = receiver.recv() => match message {
                Some(n) => received.push(n),
                None => break,
            },
            _ = ticks.tick() => {}
        }
    }
    println!("{received:?}");
}
