use tokio::sync::mpsc;
use tokio::sync::mpsc::error::TrySendError;

#[tokio::main(flavor = "current_thread")]
async fn main() {
    let (queue, mut inbox) = mpsc::channel::<u32>(2);
    for n in 1..=4 {
        match queue.try_send(n) {
            Ok(()) => println!("queued {n}"),
            Err(TrySendError::Full(n)) => println!("full, {n} not queued"),
            Err(TrySendError::Closed(_)) => println!("closed"),
        }
    }
    drop(queue); // the member is removed
    while let Some(n) = inbox.recv().await {
        println!("received {n}");
    }
    println!("inbox ended");
}
