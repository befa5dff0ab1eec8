async fn countdown(n: u32) -> u32 {
    if n == 0 {
        return 0;
    }
    tokio::task::yield_now().await;
    1 + countdown(n - 1).await
}

#[tokio::main(flavor = "current_thread")]
async fn main() {
    println!("{}", countdown(3).await);
}
