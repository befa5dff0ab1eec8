use std::time::Duration;

use futures::stream::{self, StreamExt};
use tokio::time::sleep;

#[tokio::main(flavor = "current_thread", start_paused = true)]
async fn main() {
    let millis = [30, 10, 20];
    let ids: Vec<usize> = stream::iter(0..3)
        .map(|id| async move {
            sleep(Duration::from_millis(millis[id])).await;
            id
        })
        .buffer_unordered(3)
        .collect()
        .await;
    println!("{ids:?}");
}
