use std::pin::Pin;

async fn work() {}

fn main() {
    let mut future = work();
    let pinned = Pin::new(&mut future);
    drop(pinned);
}
