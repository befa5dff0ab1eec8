use futures::stream::{self, StreamExt};

#[tokio::main(flavor = "current_thread")]
async fn main() {
    let numbers = stream::unfold(1, |n| async move {
        println!("step {n}");
        Some((n, n + 1))
    });
    println!("made");
    let first_two: Vec<u32> = numbers.take(2).collect().await;
    println!("{first_two:?}");
}
