// Why this works: the std guard lives in a block that ends before the
// `.await`, so no `MutexGuard` is part of the future's state when it is
// suspended, and the future is `Send`. The lock is held for the counting
// only, so the three requests still wait for the backend side by side.
#![forbid(unsafe_code)]

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use tokio::time::Instant;

type Hits = Arc<Mutex<HashMap<String, u32>>>;

/// Counts a request for `path`, then answers it from the backend.
async fn handle(hits: Hits, path: String) -> String {
    let hit = {
        let mut counts = hits.lock().unwrap();
        let count = counts.entry(path.clone()).or_insert(0);
        *count += 1;
        *count
    }; // the guard is dropped here, before the `.await`
    let body = backend(&path).await;
    format!("{body} (hit {hit})")
}

/// A backend that takes 50 ms to answer.
async fn backend(path: &str) -> String {
    tokio::time::sleep(Duration::from_millis(50)).await;
    format!("page {path}")
}

#[tokio::main(flavor = "current_thread", start_paused = true)]
async fn main() {
    let hits: Hits = Arc::default();
    let start = Instant::now();
    let mut requests = Vec::new();
    for path in ["/", "/about", "/"] {
        requests.push(tokio::spawn(handle(hits.clone(), path.to_owned())));
    }
    let mut bodies = Vec::new();
    for request in requests {
        bodies.push(request.await.expect("a handler panicked"));
    }
    assert_eq!(bodies, ["page / (hit 1)", "page /about (hit 1)", "page / (hit 2)"]);
    assert_eq!(hits.lock().unwrap()["/"], 2, "two hits on /");
    assert_eq!(
        start.elapsed(),
        Duration::from_millis(50),
        "the three requests must wait for the backend side by side, not one after another"
    );
}
