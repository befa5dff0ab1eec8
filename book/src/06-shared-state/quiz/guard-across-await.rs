use std::sync::{Arc, Mutex};

async fn save(_value: u64) {}

#[tokio::main]
async fn main() {
    let total = Arc::new(Mutex::new(0_u64));
    let shared = total.clone();
    let task = tokio::spawn(async move {
        let mut guard = shared.lock().unwrap();
        *guard += 1;
        save(*guard).await;
    });
    task.await.unwrap();
    println!("{}", total.lock().unwrap());
}
