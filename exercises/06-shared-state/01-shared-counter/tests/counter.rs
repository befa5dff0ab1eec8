use std::pin::Pin;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering::SeqCst};
use std::task::{Context, Poll};
use std::time::Duration;

use shared_counter::{Counter, Journal};
use workbook_support::{on_paused_tokio, within};

const LIMIT: Duration = Duration::from_secs(5);

/// Fails to compile when the future it is given is not `Send`: the
/// compiler then points here. The usual cause is a `std::sync::MutexGuard`
/// (or another `!Send` value) still alive across an `.await` in `add`.
fn add_future_must_be_send<F: Future + Send>(future: F) -> F {
    future
}

/// A future that counts how often it is polled.
struct Counted<F> {
    inner: Pin<Box<F>>,
    polls: Arc<AtomicUsize>,
}

impl<F: Future> Future for Counted<F> {
    type Output = F::Output;
    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<F::Output> {
        self.polls.fetch_add(1, SeqCst);
        self.inner.as_mut().poll(cx)
    }
}

/// Checks that the journal replays: its entries are the totals one after
/// the other, each the one before plus one of `added` (each used once).
fn check_journal(journal: &Journal, added: &[u64], what: &str) {
    let entries = journal.entries();
    let sum: u64 = added.iter().sum();
    let mut left = added.to_vec();
    let mut before = 0;
    for (i, &entry) in entries.iter().enumerate() {
        if entry <= before {
            panic!(
                "{what}: the journal holds {entry} right after {before} (entries: {:?}). Totals \
                 must land in order, each larger than the one before. {}",
                &entries[..=i],
                if entry == before {
                    "Two adds wrote the same total: both read the total before either stored \
                     its new one. Keep the total locked from the read to the store."
                } else {
                    "The write of a later add finished before an earlier one's: two journal \
                     writes were in flight at once. Likely cause: the lock on the total is \
                     released before the journal write has finished, so the next add reads \
                     the total and starts its own write meanwhile."
                }
            );
        }
        let step = entry - before;
        match left.iter().position(|&n| n == step) {
            Some(at) => {
                left.swap_remove(at);
            }
            None => panic!(
                "{what}: the journal goes from {before} to {entry} (entries: {:?}), a step of \
                 {step} that no single add explains (added: {added:?}). Other adds changed the \
                 total after this one and before its entry landed, so a reader of the journal \
                 cannot replay it. Likely cause: the lock on the total is released before the \
                 journal write has finished, and the next add reads the total meanwhile.",
                &entries[..=i]
            ),
        }
        before = entry;
    }
    assert_eq!(
        (entries.len(), before),
        (added.len(), sum),
        "{what}: the journal should hold one entry per add, the last one the final total \
         {sum}; it holds {} entries: {entries:?}",
        entries.len()
    );
}

#[test]
fn adds_and_returns_the_new_total() {
    on_paused_tokio(LIMIT, || async {
        let journal = Journal::new();
        let counter = Counter::new(journal.clone());
        assert_eq!(counter.total().await, 0, "a new counter is at 0");
        assert_eq!(counter.add(2).await, 2, "add(2) on 0 returns the new total");
        assert_eq!(counter.add(3).await, 5, "add(3) on 2 returns the new total");
        assert_eq!(counter.total().await, 5, "total() after add(2), add(3)");
        assert_eq!(
            journal.entries(),
            [2, 5],
            "each add writes its new total to the journal before it returns"
        );
    });
}

#[test]
fn clones_share_one_total_and_one_journal() {
    on_paused_tokio(LIMIT, || async {
        let journal = Journal::new();
        let counter = Counter::new(journal.clone());
        let clone = counter.clone();
        counter.add(1).await;
        clone.add(10).await;
        assert_eq!(
            (counter.total().await, clone.total().await),
            (11, 11),
            "a counter and its clone must share one total: keep the total behind an `Arc`"
        );
        assert_eq!(journal.entries(), [1, 11], "one journal for all clones");
    });
}

#[test]
fn add_is_send_so_it_can_be_spawned() {
    on_paused_tokio(LIMIT, || async {
        let counter = Counter::new(Journal::new());
        let task = tokio::spawn(add_future_must_be_send(async move { counter.add(4).await }));
        let total = task.await.expect("the task adding 4 panicked");
        assert_eq!(total, 4, "add(4) on 0 in a spawned task");
    });
}

#[test]
fn concurrent_adds_lose_no_update() {
    on_paused_tokio(LIMIT, || async {
        let counter = Counter::new(Journal::new());
        let tasks: Vec<_> = (0..20)
            .map(|_| {
                let counter = counter.clone();
                tokio::spawn(async move { counter.add(1).await })
            })
            .collect();
        for task in tasks {
            task.await.expect("a task adding 1 panicked");
        }
        let total = counter.total().await;
        assert_eq!(
            total,
            20,
            "20 tasks each added 1 at the same time, and the total is {total}: {} updates were \
             lost. Two adds read the same total, then each stored its own total + 1, and the \
             second store overwrote the first. Likely cause: the lock is released across the \
             journal's `.await` between reading the total and storing the new one, and another \
             add runs in that gap. One lock has to cover the whole update.",
            20_u64.saturating_sub(total)
        );
    });
}

#[test]
fn an_add_waiting_for_its_turn_is_not_polled_in_a_loop() {
    on_paused_tokio(LIMIT, || async {
        let counter = Counter::new(Journal::new());
        let polls = Arc::new(AtomicUsize::new(0));
        let tasks: Vec<_> = (0..20)
            .map(|_| {
                let counter = counter.clone();
                let add = Counted {
                    inner: Box::pin(async move { counter.add(1).await }),
                    polls: polls.clone(),
                };
                tokio::spawn(add)
            })
            .collect();
        for task in tasks {
            task.await.expect("a task adding 1 panicked");
        }
        let polls = polls.load(SeqCst);
        assert!(
            polls <= 20 * 6,
            "20 tasks each called add(1) at once, and their `add`s were polled {polls} times in \
             all: about {} per add. An add that waits for its turn is polled once to start, once \
             when the lock is handed to it, and once per turn of its journal write: at most 5 \
             times (the test allows 6). Likely cause: busy waiting. An add that finds the total taken tries again and again (a loop \
             with a yield around a lock that does not wait), so it is polled on every turn \
             of the runtime while another add writes to the journal. Wait in a way that \
             sleeps until the lock is handed over.",
            polls / 20
        );
    });
}

#[test]
fn the_journal_holds_every_total_in_order() {
    on_paused_tokio(LIMIT, || async {
        let journal = Journal::new();
        let counter = Counter::new(journal.clone());
        let added: Vec<u64> = (1..=12).collect();
        let tasks: Vec<_> = added
            .iter()
            .map(|&n| {
                let counter = counter.clone();
                tokio::spawn(async move { (n, counter.add(n).await) })
            })
            .collect();
        let mut returned = Vec::new();
        for task in tasks {
            returned.push(task.await.expect("a task calling add panicked"));
        }
        check_journal(
            &journal,
            &added,
            "12 tasks called add(1), ..., add(12) at once",
        );
        let entries = journal.entries();
        for (n, total) in returned {
            assert!(
                entries.contains(&total),
                "add({n}) returned {total}, which is not in the journal {entries:?}: add must \
                 return the total it wrote"
            );
        }
    });
}

#[test]
fn adds_on_many_threads_lose_no_update() {
    within(LIMIT, || {
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(4)
            .build()
            .expect("build a multi-thread runtime");
        runtime.block_on(async {
            let journal = Journal::new();
            let counter = Counter::new(journal.clone());
            let tasks: Vec<_> = (0..8)
                .map(|_| {
                    let counter = counter.clone();
                    tokio::spawn(async move {
                        for _ in 0..50 {
                            counter.add(1).await;
                        }
                    })
                })
                .collect();
            for task in tasks {
                task.await.expect("a task adding 1 panicked");
            }
            let total = counter.total().await;
            assert_eq!(
                total, 400,
                "8 tasks on 4 worker threads each added 1, 50 times, and the total is {total}: \
                 updates were lost. One lock must cover the read of the total, the journal \
                 write and the store of the new total."
            );
            check_journal(
                &journal,
                &[1; 400],
                "8 tasks on 4 threads each adding 1, 50 times",
            );
        });
    });
}
