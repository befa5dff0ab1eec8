#[tokio::main(flavor = "current_thread")]
async fn main() {
    let handle = tokio::spawn(async {
        println!("task runs");
    });
    println!("spawned");
    handle.await.unwrap();
    println!("joined");
}
