use std::sync::{Arc, Mutex};

async fn save(total: u64) {
    tokio::task::yield_now().await; // stands for a write to a database
    println!("saved {total}");
}

async fn add(total: Arc<Mutex<u64>>, amount: u64) {
    let mut guard = total.lock().unwrap();
    *guard += amount;
    save(*guard).await;
}

#[tokio::main]
async fn main() {
    let total = Arc::new(Mutex::new(0));
    tokio::spawn(add(total, 5)).await.unwrap();
}
