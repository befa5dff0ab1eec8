// The futures in a Vec, then moved out of it to be awaited: inline again.
use async_recursion::{Entry, Store, child};

async fn size(store: &Store, path: String) -> u64 {
    let mut bytes = 0;
    let mut children = Vec::new();
    for entry in store.list(&path).await.unwrap() {
        match entry {
            Entry::File { bytes: b, .. } => bytes += b,
            Entry::Dir { name } => children.push(size(store, child(&path, &name))),
        }
    }
    for walk in children {
        bytes += walk.await;
    }
    bytes
}

fn main() {
    let _ = size(&Store::new(), "/".to_owned());
}
