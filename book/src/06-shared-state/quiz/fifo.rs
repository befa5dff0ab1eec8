use std::sync::Arc;

use tokio::sync::Mutex;

#[tokio::main(flavor = "current_thread")]
async fn main() {
    let log = Arc::new(Mutex::new(Vec::new()));
    let held = log.lock().await; // main holds the lock while the tasks queue up
    let mut tasks = Vec::new();
    for name in ["a", "b", "c"] {
        let log = log.clone();
        tasks.push(tokio::spawn(async move {
            log.lock().await.push(name);
        }));
        tokio::task::yield_now().await; // let it reach lock() and wait
    }
    drop(held);
    for task in tasks {
        task.await.unwrap();
    }
    println!("{:?}", *log.lock().await);
}
