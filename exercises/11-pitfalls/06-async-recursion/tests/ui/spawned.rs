// A server runs each walk in a task of its own, on a multi-thread runtime:
// `tokio::spawn` requires the walk's future to be `Send`.
use std::sync::Arc;

use async_recursion::{Store, Usage, disk_usage};

#[tokio::main]
async fn main() {
    let mut store = Store::new();
    store.add_file("/logs/2024/jan.log", 300).add_file("/logs/2024/feb.log", 200);
    store.add_file("/logs/2025/jan.log", 100).add_file("/notes.txt", 7);
    let store = Arc::new(store);

    let task = tokio::spawn({
        let store = store.clone();
        async move { disk_usage(&store, "/").await }
    });
    let usage = task.await.expect("the walk's task panicked");
    assert_eq!(
        usage,
        Ok(Usage {
            files: 4,
            bytes: 607,
            dirs: 3
        }),
        "disk_usage(\"/\") in a spawned task: 4 files of 607 bytes in all, and 3 \
         directories below the root (not the root itself)"
    );
}
