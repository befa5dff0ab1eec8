// TODO: this program does not compile: `&mut work` is a future only when
// `work` is `Unpin`, and an `async fn`'s future is not. Make it compile and
// run to the end, with no `unsafe`: one `slow_sum`, started once and resumed
// on every turn of the loop, while the progress ticks go on.
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

    let mut work = slow_sum(&starts, &numbers);
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
