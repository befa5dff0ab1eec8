use tokio::sync::mpsc;
use tokio_util::sync::CancellationToken;

#[tokio::main(flavor = "current_thread")]
async fn main() {
    let (queue, mut inbox) = mpsc::channel::<&str>(8);
    for line in ["one", "two", "three"] {
        queue.send(line).await.unwrap();
    }
    let stop = CancellationToken::new();
    stop.cancel();

    let mut written = Vec::new();
    loop {
        tokio::select! {
            biased;
            () = stop.cancelled() => {
                written.push("goodbye");
                break;
            }
            Some(line) = inbox.recv() => written.push(line),
        }
    }
    println!("{written:?}, {} still queued", inbox.len());
}
