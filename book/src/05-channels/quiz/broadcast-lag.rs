use tokio::sync::broadcast;

#[tokio::main(flavor = "current_thread")]
async fn main() {
    let (sender, mut slow) = broadcast::channel(2);
    for n in 1..=5 {
        sender.send(n).unwrap();
    }
    println!("{:?}", slow.recv().await);
    println!("{:?}", slow.recv().await);
}
