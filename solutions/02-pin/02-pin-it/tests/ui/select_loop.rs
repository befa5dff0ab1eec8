//! Re-uses one future across the turns of a `select!` loop.
//!
//! Why this works: `tokio::pin!` pins `work` in place once, before the loop,
//! and rebinds it as a `Pin<&mut _>`. `&mut work` is then a `&mut Pin<&mut _>`,
//! which is `Unpin` and a future, so each turn of `select!` polls the same
//! `slow_sum` future where it left off. When the tick wins, only the
//! borrow is dropped, not the sum.
#![forbid(unsafe_code)]

use std::cell::Cell;
use std::time::Duration;

use tokio::time::{interval, sleep, timeout};

/// Adds the numbers, one per second. `starts` counts how often it began.
async fn slow_sum(starts: &Cell<u32>, numbers: &[u64]) -> u64 {
    starts.set(starts.get() + 1);
    let mut total = 0;
    for n in numbers {
        sleep(Duration::from_secs(1)).await;
        total += n;
    }
    total
}

#[tokio::main(flavor = "current_thread", start_paused = true)]
async fn main() {
    let starts = Cell::new(0);
    let numbers = [1, 2, 3, 4, 5];
    // Ticks at 0 s, 1.5 s, 3 s and 4.5 s while the sum takes 5 s.
    let mut progress = interval(Duration::from_millis(1500));
    let mut ticks = 0;

    let work = slow_sum(&starts, &numbers);
    tokio::pin!(work);
    let total = timeout(Duration::from_secs(60), async {
        loop {
            tokio::select! {
                total = &mut work => break total,
                _ = progress.tick() => ticks += 1,
            }
        }
    })
    .await
    .expect("the sum did not finish in 60 s: was it started over on every turn of the loop?");

    assert_eq!(
        starts.get(),
        1,
        "slow_sum should start once and be resumed, not started over"
    );
    assert_eq!(total, 15);
    assert_eq!(
        ticks, 4,
        "the progress ticks should interleave with one sum"
    );
}
