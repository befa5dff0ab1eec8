// What the compiler says when a std `MutexGuard` is alive at an `.await`
// in a spawned future. (The program to fix is tests/ui/pass/hit_counter.rs.)
use std::collections::HashMap;
use std::sync::{Arc, Mutex};

type Hits = Arc<Mutex<HashMap<String, u32>>>;

async fn handle(hits: Hits, path: String) -> String {
    let mut counts = hits.lock().unwrap();
    let count = counts.entry(path.clone()).or_insert(0);
    *count += 1;
    let hit = *count;
    let body = backend(&path).await;
    format!("{body} (hit {hit})")
}

async fn backend(path: &str) -> String {
    tokio::task::yield_now().await;
    format!("page {path}")
}

#[tokio::main]
async fn main() {
    let hits: Hits = Arc::default();
    let answer = tokio::spawn(handle(hits, "/".to_owned())).await;
    println!("{}", answer.unwrap());
}
