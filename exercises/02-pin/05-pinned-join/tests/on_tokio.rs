// A separate test binary: if `Join` moves a pinned future, tokio's timer
// keeps pointing at the old address of the `Sleep` inside it, and the
// process may crash (SIGSEGV) instead of failing one test. The tests in
// `pinned.rs` name that problem first ("AssertUnmoved moved ...").

use std::time::Duration;

use pinned_join::join;
use tokio::time::{Instant, sleep};
use workbook_support::on_paused_tokio;

const LIMIT: Duration = Duration::from_secs(5);

// Paused time: the clock jumps to the next timer as soon as every task
// waits, so durations are exact, and the timeout fires at once if the join
// is never woken.
#[test]
fn waits_for_both_at_once_on_tokio() {
    let (output, took) = on_paused_tokio(LIMIT, || async {
        let start = Instant::now();
        let a = async {
            sleep(Duration::from_millis(30)).await;
            sleep(Duration::from_millis(30)).await;
            "a"
        };
        let b = async {
            sleep(Duration::from_millis(50)).await;
            "b"
        };
        let output = tokio::time::timeout(Duration::from_secs(10), join(a, b)).await;
        (output, start.elapsed())
    });
    let output = output.expect("the join never finished: was an inner future left unpolled?");
    assert_eq!(
        output,
        ("a", "b"),
        "join(a, b) should finish with (a's output, b's output)"
    );
    assert_eq!(
        took,
        Duration::from_millis(60),
        "a sleeps 60 ms, b 50 ms, side by side: the join should take 60 ms, as long as the \
         slower one, not the sum"
    );
}

// `tokio::time::sleep` returns a `Sleep`, which is `!Unpin`: the timer
// keeps a pointer into it while it waits.
#[test]
fn joins_two_sleeps() {
    let took = on_paused_tokio(LIMIT, || async {
        let start = Instant::now();
        let slept = join(sleep(Duration::from_secs(2)), sleep(Duration::from_secs(1)));
        tokio::time::timeout(Duration::from_secs(10), slept)
            .await
            .expect("the join of two sleeps never finished");
        start.elapsed()
    });
    assert_eq!(
        took,
        Duration::from_secs(2),
        "the join should end with the later sleep"
    );
}
