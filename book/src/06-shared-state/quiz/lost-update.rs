use std::sync::Arc;

use tokio::sync::Mutex;

#[tokio::main(flavor = "current_thread")]
async fn main() {
    let total = Arc::new(Mutex::new(0));
    let mut tasks = Vec::new();
    for _ in 0..3 {
        let total = total.clone();
        tasks.push(tokio::spawn(async move {
            let seen = *total.lock().await;
            tokio::task::yield_now().await;
            *total.lock().await = seen + 1;
        }));
    }
    for task in tasks {
        task.await.unwrap();
    }
    println!("total: {}", *total.lock().await);
}
