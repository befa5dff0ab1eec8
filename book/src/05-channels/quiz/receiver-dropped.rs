use tokio::sync::mpsc;

#[tokio::main(flavor = "current_thread")]
async fn main() {
    let (sender, receiver) = mpsc::channel(4);
    drop(receiver);
    match sender.send("hello").await {
        Ok(()) => println!("sent"),
        Err(error) => println!("{error}; the value comes back: {}", error.0),
    }
}
