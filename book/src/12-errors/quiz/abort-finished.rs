#[tokio::main(flavor = "current_thread")]
async fn main() {
    let task = tokio::spawn(async { 5 });
    // Gives the runtime a turn: the spawned task runs, to its end.
    tokio::task::yield_now().await;
    task.abort();
    match task.await {
        Ok(n) => println!("Ok({n})"),
        Err(e) => println!("Err: cancelled = {}", e.is_cancelled()),
    }
}
