use std::time::Duration;

use tokio::sync::mpsc;
use tokio::time::timeout;

#[tokio::main(flavor = "current_thread", start_paused = true)]
async fn main() {
    let (sender, mut receiver) = mpsc::channel(4);
    let spare = sender.clone();
    tokio::spawn(async move {
        for n in 1..=2 {
            sender.send(n).await.unwrap();
        }
        // The task ends here, and drops `sender`.
    });
    let mut got = Vec::new();
    let ended = loop {
        match timeout(Duration::from_secs(5), receiver.recv()).await {
            Ok(Some(n)) => got.push(n),
            Ok(None) => break "the channel ended",
            Err(_) => break "still waiting after 5 s",
        }
    };
    println!("{got:?}: {ended}");
    drop(spare);
}
