use tokio::sync::oneshot;

#[tokio::main(flavor = "current_thread")]
async fn main() {
    let (done, finished) = oneshot::channel();
    let handle = tokio::spawn(async move {
        tokio::task::yield_now().await;
        done.send("the task finished").unwrap();
    });
    drop(handle);
    println!("{}", finished.await.unwrap());
}
