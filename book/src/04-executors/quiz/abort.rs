use std::time::Duration;

#[tokio::main(flavor = "current_thread")]
async fn main() {
    let handle = tokio::spawn(async {
        tokio::time::sleep(Duration::from_secs(3600)).await;
        println!("woke up");
    });
    handle.abort();
    match handle.await {
        Ok(()) => println!("finished"),
        Err(e) if e.is_cancelled() => println!("cancelled"),
        Err(_) => println!("panicked"),
    }
}
