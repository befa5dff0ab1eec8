use std::time::Duration;

use futures::future::join_all;
use futures::stream::{FuturesUnordered, StreamExt};
use tokio::time::sleep;

async fn fetch(ms: u64) -> u64 {
    sleep(Duration::from_millis(ms)).await;
    ms
}

#[tokio::main(flavor = "current_thread", start_paused = true)]
async fn main() {
    let all = join_all([30, 10, 20].map(fetch)).await;
    println!("join_all:         {all:?}");

    let set: FuturesUnordered<_> = [30, 10, 20].map(fetch).into_iter().collect();
    let each: Vec<u64> = set.collect().await;
    println!("FuturesUnordered: {each:?}");
}
