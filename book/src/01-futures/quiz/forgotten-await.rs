use std::sync::atomic::{AtomicU32, Ordering};

static SAVED: AtomicU32 = AtomicU32::new(0);

async fn save(amount: u32) {
    SAVED.fetch_add(amount, Ordering::SeqCst);
}

#[tokio::main(flavor = "current_thread")]
async fn main() {
    save(1);
    save(2).await;
    println!("saved {}", SAVED.load(Ordering::SeqCst));
}
