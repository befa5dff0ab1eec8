// Awaiting the recursive call directly: the future of `size` would contain
// the future of `size`.
use async_recursion::{Entry, Store, child};

async fn size(store: &Store, path: &str) -> u64 {
    let mut bytes = 0;
    for entry in store.list(path).await.unwrap() {
        match entry {
            Entry::File { bytes: b, .. } => bytes += b,
            Entry::Dir { name } => {
                let dir = child(path, &name);
                bytes += size(store, &dir).await;
            }
        }
    }
    bytes
}

fn main() {
    let _ = size(&Store::new(), "/");
}
