use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::Duration;

use select_loop::{Limits, batch};
use tokio::sync::mpsc::{self, Receiver};
use tokio::time::{Instant, sleep_until, timeout};
use workbook_support::on_paused_tokio;

const LIMIT: Duration = Duration::from_secs(5);

fn limits(max_items: usize, max_delay_ms: u64) -> Limits {
    Limits {
        max_items,
        max_delay: Duration::from_millis(max_delay_ms),
    }
}

/// A channel fed by a task that sends the item `t` at `t` ms for each `t`
/// of `times`, then keeps its sender until `close_at` ms (`None`: for
/// ever) and drops it.
fn items_at<I>(times: I, close_at: Option<u32>) -> Receiver<u32>
where
    I: IntoIterator<Item = u32> + Send + 'static,
    I::IntoIter: Send,
{
    let (sender, receiver) = mpsc::channel(1000);
    let start = Instant::now();
    tokio::spawn(async move {
        for t in times {
            sleep_until(start + Duration::from_millis(t.into())).await;
            sender.send(t).await.expect("the test keeps the receiver");
        }
        match close_at {
            Some(t) => sleep_until(start + Duration::from_millis(t.into())).await,
            None => std::future::pending().await,
        }
    });
    receiver
}

/// What `batch` did: each flush with its time in ms, and when it returned.
#[derive(Debug)]
struct Run {
    flushes: Vec<(u128, Vec<u32>)>,
    returned_at: u128,
}

/// Runs `batch` to its end, failing clearly if it never returns, spins,
/// or flushes an empty batch.
async fn run(
    items: &mut Receiver<u32>,
    limits: Limits,
    shutdown: impl Future<Output = ()>,
    what: &str,
) -> Run {
    let start = Instant::now();
    let mut flushes = Vec::new();
    let call = batch(items, limits, shutdown, |batch: Vec<u32>| {
        let at = start.elapsed().as_millis();
        assert!(
            !batch.is_empty(),
            "{what}: `flush` was called with an empty batch at {at} ms (after the flushes \
             {flushes:?}). A batch is never empty. Likely cause: the timer fired while no batch \
             was open. A `Sleep` that has fired is ready again on every poll: its branch must \
             only count while a batch has items."
        );
        flushes.push((at, batch));
    });
    match timeout(Duration::from_secs(3600), NoSpin::new(call, what)).await {
        Ok(()) => {}
        Err(_) => panic!(
            "{what}: `batch` had not returned an hour (of paused time) after it started. It must \
             return when the channel ends (receiving gives `None`: leave the loop then) or when \
             the shutdown future completes."
        ),
    }
    Run {
        flushes,
        returned_at: start.elapsed().as_millis(),
    }
}

/// Fails the test if the future is polled over and over while paused time
/// stands still: a loop that never waits.
struct NoSpin<'a, F> {
    inner: Pin<Box<F>>,
    what: &'a str,
    at: Instant,
    polls_at_this_instant: u32,
}

impl<'a, F> NoSpin<'a, F> {
    fn new(inner: F, what: &'a str) -> Self {
        Self {
            inner: Box::pin(inner),
            what,
            at: Instant::now(),
            polls_at_this_instant: 0,
        }
    }
}

impl<F: Future> Future for NoSpin<'_, F> {
    type Output = F::Output;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<F::Output> {
        let now = Instant::now();
        if now == self.at {
            self.polls_at_this_instant += 1;
        } else {
            self.at = now;
            self.polls_at_this_instant = 0;
        }
        assert!(
            self.polls_at_this_instant < 10_000,
            "{}: `batch` was polled 10,000 times without time moving on: its loop never waits, \
             each turn finds a branch ready at once. Likely causes: a timer that has already \
             fired (a `Sleep` that has fired is ready again on every poll, so the deadline's \
             branch must only count while a batch has items, and the deadline must be moved for \
             each new batch); or a channel that has ended: `recv()` after the channel ended \
             gives None at once on every turn: leave the loop when it does.",
            self.what
        );
        self.inner.as_mut().poll(cx)
    }
}

#[test]
fn flushes_each_full_batch_at_once() {
    on_paused_tokio(LIMIT, || async {
        let (sender, mut items) = mpsc::channel(16);
        for item in 0..7 {
            sender.try_send(item).unwrap();
        }
        drop(sender);
        let run = run(
            &mut items,
            limits(3, 1000),
            std::future::pending(),
            "7 items waiting, max_items 3",
        )
        .await;
        assert_eq!(
            run.flushes,
            [(0, vec![0, 1, 2]), (0, vec![3, 4, 5]), (0, vec![6])],
            "7 items were waiting in a channel that had ended, with max_items 3: expected \
             (ms, batch) flushes of [0, 1, 2] and [3, 4, 5] as soon as they were full, then [6] \
             when the channel ended, all at 0 ms"
        );
        assert_eq!(
            run.returned_at, 0,
            "`batch` must return as soon as the channel has ended"
        );
    });
}

#[test]
fn a_burst_is_split_into_batches_of_at_most_max_items() {
    on_paused_tokio(LIMIT, || async {
        // Item 0 at 0 ms, then items 1 to 5 all at 1 ms; the end at 50 ms.
        let (sender, mut items) = mpsc::channel(16);
        let start = Instant::now();
        tokio::spawn(async move {
            sender.try_send(0).unwrap();
            sleep_until(start + Duration::from_millis(1)).await;
            for item in 1..=5 {
                sender.try_send(item).unwrap();
            }
            sleep_until(start + Duration::from_millis(50)).await;
        });
        let run = run(
            &mut items,
            limits(3, 10),
            std::future::pending(),
            "item 0 at 0 ms, items 1 to 5 at 1 ms, max_items 3",
        )
        .await;
        let too_big: Vec<_> = run.flushes.iter().filter(|(_, b)| b.len() > 3).collect();
        assert!(
            too_big.is_empty(),
            "item 0 came at 0 ms and items 1 to 5 all at once at 1 ms, with max_items 3: no \
             batch may hold more than 3 items, but these flushes did: {too_big:?} (all the \
             flushes: {:?}). The batch already held item 0 when the burst came. If you take \
             several items in one call, its limit counts only the items taken by that call \
             (the limit of `recv_many` is not the length of the Vec it extends): ask for no \
             more than the room left in the batch.",
            run.flushes
        );
        let expected = [(1, vec![0, 1, 2]), (1, vec![3, 4, 5])];
        assert_eq!(
            run.flushes, expected,
            "item 0 at 0 ms, items 1 to 5 at 1 ms, max_items 3, max_delay 10 ms: expected (ms, \
             batch) flushes {expected:?}: both batches are full at 1 ms"
        );
    });
}

#[test]
fn a_batch_is_flushed_max_delay_after_its_first_item() {
    on_paused_tokio(LIMIT, || async {
        let mut items = items_at([0, 4], Some(100));
        let run = run(
            &mut items,
            limits(100, 10),
            std::future::pending(),
            "items at 0 and 4 ms, max_delay 10 ms",
        )
        .await;
        assert_eq!(
            run.flushes,
            [(10, vec![0, 4])],
            "items came at 0 and 4 ms, with max_delay 10 ms and room for 100: expected the \
             batch [0, 4] to be flushed at 10 ms, 10 ms after its first item, and nothing else \
             (the channel ended at 100 ms, with nothing left).{}",
            if run.flushes.first().is_some_and(|(at, _)| *at == 14) {
                " It was flushed at 14 ms, 10 ms after the *last* item: the timer started over \
                 when the second item came. Likely cause: the timer is created inside the \
                 `select!`, so each turn of the loop makes a new one, or it is moved on every \
                 item instead of only on a batch's first."
            } else {
                ""
            }
        );
        assert_eq!(
            run.returned_at, 100,
            "the channel ended at 100 ms: `batch` must return then"
        );
    });
}

#[test]
fn a_steady_stream_still_flushes_on_time() {
    on_paused_tokio(LIMIT, || async {
        // An item every 3 ms, from 0 to 45 ms.
        let mut items = items_at((0..=45).step_by(3), Some(48));
        let run = run(
            &mut items,
            limits(100, 10),
            std::future::pending(),
            "an item every 3 ms, max_delay 10 ms",
        )
        .await;
        let expected = [
            (10, vec![0, 3, 6, 9]),
            (22, vec![12, 15, 18, 21]),
            (34, vec![24, 27, 30, 33]),
            (46, vec![36, 39, 42, 45]),
        ];
        let restarts = run.flushes.first().is_some_and(|(at, _)| *at > 10);
        assert_eq!(
            run.flushes,
            expected,
            "an item every 3 ms from 0 to 45 ms, max_delay 10 ms, room for 100: each batch must \
             be flushed 10 ms after its first item, while items keep coming. Expected (ms, \
             batch) flushes {expected:?}. {}",
            if restarts {
                "The first batch was not flushed at 10 ms: the timer never fired while items \
                 kept coming. Likely cause: the timer is created inside the `select!`, so every \
                 turn of the loop (every item) starts a new 10 ms timer and drops the old one, \
                 or it is moved on every item. Create it once, before the loop, poll it through \
                 a `&mut`, and move it only when a batch gets its first item."
            } else {
                "Does each batch's timer start at its first item?"
            }
        );
    });
}

#[test]
fn the_delay_counts_from_the_first_item_of_each_batch() {
    on_paused_tokio(LIMIT, || async {
        let mut items = items_at([0, 1, 5, 30, 33, 50], Some(70));
        let run = run(
            &mut items,
            limits(2, 10),
            std::future::pending(),
            "items at 0, 1, 5, 30, 33, 50 ms",
        )
        .await;
        let expected = [
            (1, vec![0, 1]),
            (15, vec![5]),
            (33, vec![30, 33]),
            (60, vec![50]),
        ];
        assert_eq!(
            run.flushes, expected,
            "items at 0, 1, 5, 30, 33 and 50 ms, max_items 2, max_delay 10 ms: expected (ms, \
             batch) flushes {expected:?}. [0, 1] is full at 1 ms; the next batch starts with \
             the item of 5 ms, so its deadline is 15 ms, not 10 ms (the old batch's) nor 11 ms \
             (10 ms after the last flush); after a pause, the item of 30 ms starts a batch \
             whose deadline is 40 ms, not one that has already passed. Move the deadline when \
             a batch gets its first item."
        );
    });
}

#[test]
fn the_batch_in_progress_is_flushed_when_the_channel_ends() {
    on_paused_tokio(LIMIT, || async {
        let mut items = items_at([0, 1, 2], Some(5));
        let run = run(
            &mut items,
            limits(100, 10),
            std::future::pending(),
            "items at 0, 1, 2 ms, then the end at 5 ms",
        )
        .await;
        assert_eq!(
            run.flushes,
            [(5, vec![0, 1, 2])],
            "the channel ended at 5 ms, with the batch [0, 1, 2] not yet due: it must be \
             flushed when the channel ends, not lost"
        );
        assert_eq!(
            run.returned_at, 5,
            "the channel ended at 5 ms: `batch` must return then"
        );
    });
}

#[test]
fn an_empty_channel_that_ends_flushes_nothing() {
    on_paused_tokio(LIMIT, || async {
        let (sender, mut items) = mpsc::channel::<u32>(1);
        drop(sender);
        let run = run(
            &mut items,
            limits(3, 10),
            std::future::pending(),
            "a channel that ended empty",
        )
        .await;
        assert!(
            run.flushes.is_empty(),
            "there were no items, so nothing to flush"
        );
        assert_eq!(
            run.returned_at, 0,
            "`batch` must return as soon as the channel has ended"
        );
    });
}

#[test]
fn a_shutdown_stops_receiving_and_flushes_the_batch_in_progress() {
    on_paused_tokio(LIMIT, || async {
        // An item every ms, for ever; the shutdown comes at 20 ms.
        let mut items = items_at(0..1000, None);
        let shutdown = tokio::time::sleep(Duration::from_millis(20));
        let run = run(
            &mut items,
            limits(8, 100),
            shutdown,
            "an item every ms, shutdown at 20 ms",
        )
        .await;
        let expected = [
            (7, (0..8).collect::<Vec<_>>()),
            (15, (8..16).collect()),
            (20, (16..20).collect()),
        ];
        assert_eq!(
            run.flushes, expected,
            "an item every ms, max_items 8, and a shutdown at 20 ms: expected (ms, batch) \
             flushes {expected:?}: full batches, then at the shutdown the batch in progress"
        );
        assert_eq!(
            run.returned_at, 20,
            "the shutdown came at 20 ms: `batch` must return then"
        );
        let next = items.recv().await;
        assert_eq!(
            next,
            Some(20),
            "after the shutdown, the item sent at 20 ms must still be in the channel: `batch` \
             must take no item once the shutdown has completed"
        );
    });
}

#[test]
fn a_shutdown_wins_over_waiting_items() {
    on_paused_tokio(LIMIT, || async {
        // A random order of branches would take items in about two runs
        // out of three; twenty runs make a lucky pass impossible in practice.
        for round in 1..=20 {
            let (sender, mut items) = mpsc::channel(100);
            for item in 0..100 {
                sender.try_send(item).unwrap();
            }
            let shutdown = async {}; // already complete
            let run = run(
                &mut items,
                limits(10, 100),
                shutdown,
                "100 items waiting, shutdown complete",
            )
            .await;
            let taken = 100 - items.len();
            assert!(
                run.flushes.is_empty() && taken == 0,
                "run {round}: 100 items were waiting and the shutdown had already completed: \
                 `batch` must take no item and flush nothing, but it flushed {:?} and left {} \
                 items in the channel. {}",
                run.flushes,
                items.len(),
                if taken > 10 {
                    "More items were taken than one batch holds (max_items 10): items were taken \
                     after the shutdown (e.g. a try_recv drain). Once the shutdown has completed, take nothing more from the channel: the items \
                     waiting stay there for whoever reads it next."
                } else {
                    "When several branches are ready, `select!` picks one: the shutdown must \
                     win. By default it starts at a random branch on every poll, so the order \
                     written is not the order polled."
                }
            );
            drop(sender);
        }
    });
}
