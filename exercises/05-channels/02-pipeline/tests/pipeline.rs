use std::fmt::Debug;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering::SeqCst};
use std::time::Duration;

use pipeline::{source, stage};
use tokio::sync::mpsc::{self, Receiver};
use tokio::time::{sleep, timeout};
use workbook_support::on_paused_tokio;

const LIMIT: Duration = Duration::from_secs(5);

/// An iterator over `0..end` that counts the items taken from it and
/// notes when it is dropped (when the task that owns it has ended).
struct Counted {
    next: u32,
    end: u32,
    probe: Probe,
}

/// What a test sees of a [`Counted`] iterator or a stage's `work`.
#[derive(Clone, Default)]
struct Probe {
    taken: Arc<AtomicUsize>,
    dropped: Arc<AtomicBool>,
}

impl Probe {
    fn taken(&self) -> usize {
        self.taken.load(SeqCst)
    }
    fn dropped(&self) -> bool {
        self.dropped.load(SeqCst)
    }
}

/// Marks its probe dropped when it is dropped.
struct DropMark(Probe);

impl Drop for DropMark {
    fn drop(&mut self) {
        self.0.dropped.store(true, SeqCst);
    }
}

fn counted(end: u32) -> (Counted, Probe) {
    let probe = Probe::default();
    let iter = Counted {
        next: 0,
        end,
        probe: probe.clone(),
    };
    (iter, probe)
}

impl Iterator for Counted {
    type Item = u32;
    fn next(&mut self) -> Option<u32> {
        if self.next == self.end {
            return None;
        }
        self.probe.taken.fetch_add(1, SeqCst);
        self.next += 1;
        Some(self.next - 1)
    }
}

impl Drop for Counted {
    fn drop(&mut self) {
        self.probe.dropped.store(true, SeqCst);
    }
}

/// Lets every task run until all of them wait: on paused time, this
/// sleep ends only once the runtime has nothing else to do.
async fn settle() {
    sleep(Duration::from_secs(3600)).await;
}

/// Receives until the channel ends; fails if it does not end.
async fn collect<T: Debug>(receiver: &mut Receiver<T>, what: &str) -> Vec<T> {
    let mut items = Vec::new();
    loop {
        match timeout(Duration::from_secs(3600), receiver.recv()).await {
            Ok(Some(item)) => items.push(item),
            Ok(None) => return items,
            Err(_) => panic!(
                "{what}: after the items {items:?}, `recv` waited an hour (of paused time) \
                 and neither another item nor the end of the channel came. The input had ended, \
                 so the output should have ended too (`recv` returns `None` once every sender \
                 is dropped). Likely cause: a `Sender` is still alive: the task does not return \
                 when its input ends, or a clone of the sender is kept somewhere."
            ),
        }
    }
}

#[test]
fn the_source_sends_every_item_in_order_then_ends() {
    on_paused_tokio(LIMIT, || async {
        let mut output = source(vec!["a", "b", "c", "d", "e"], 2);
        let items = collect(&mut output, "source(vec![\"a\", .., \"e\"], 2)").await;
        assert_eq!(
            items,
            ["a", "b", "c", "d", "e"],
            "the source must send every item, in order, once"
        );
    });
}

#[test]
fn the_source_runs_ahead_of_its_reader_by_at_most_its_capacity() {
    on_paused_tokio(LIMIT, || async {
        for capacity in [1, 3] {
            let (items, probe) = counted(100);
            let mut output = source(items, capacity);
            for received in 0..=3 {
                settle().await;
                let taken = probe.taken();
                assert!(
                    taken <= received + capacity + 1,
                    "source(0..100, {capacity}): its reader had received {received} items, and \
                     the source had taken {taken} from the iterator. It may be at most \
                     {capacity} + 1 ahead (a full channel, and one item waiting to go in): this \
                     source is unbounded, its memory grows with the input and a fast producer \
                     never slows down. Likely cause: an unbounded channel, items collected in \
                     advance, or a task spawned per item, instead of waiting on each send into \
                     a channel of capacity {capacity}."
                );
                assert!(
                    taken >= received + capacity,
                    "source(0..100, {capacity}): its reader had received {received} items, and \
                     the source had taken only {taken} from the iterator: a channel of \
                     capacity {capacity} should fill up before the source waits. Is the \
                     channel made with the capacity given?"
                );
                let item = timeout(Duration::from_secs(3600), output.recv()).await;
                assert_eq!(
                    item,
                    Ok(Some(received as u32)),
                    "source(0..100, {capacity}): item {received} should come next"
                );
            }
        }
    });
}

#[test]
fn a_stage_runs_ahead_of_its_reader_by_at_most_its_capacity() {
    on_paused_tokio(LIMIT, || async {
        for capacity in [1, 3] {
            // The stage's input is full of items from the start.
            let (sender, input) = mpsc::channel(100);
            for item in 0..100 {
                sender.try_send(item).expect("room for 100 items");
            }
            let calls = Arc::new(AtomicUsize::new(0));
            let counter = calls.clone();
            let mut output = stage(input, capacity, move |item: u32| {
                counter.fetch_add(1, SeqCst);
                async move { item * 10 }
            });
            for received in 0..=3 {
                settle().await;
                let calls = calls.load(SeqCst);
                assert!(
                    calls <= received + capacity + 1,
                    "stage(.., {capacity}, work) with 100 items waiting in its input: its reader \
                     had received {received} results, and `work` had been called {calls} times. \
                     The stage may be at most {capacity} + 1 ahead (a full output channel, and \
                     one result waiting to go in): this stage is unbounded. Likely cause: an \
                     unbounded channel, or results kept in a buffer of your own, instead of \
                     waiting on each send into a channel of capacity {capacity}."
                );
                assert!(
                    calls >= received + capacity,
                    "stage(.., {capacity}, work) with 100 items waiting in its input: its reader \
                     had received {received} results, and `work` had been called only {calls} \
                     times: an output channel of capacity {capacity} should fill up before the \
                     stage waits. Is the channel made with the capacity given?"
                );
                let result = timeout(Duration::from_secs(3600), output.recv()).await;
                assert_eq!(
                    result,
                    Ok(Some(received as u32 * 10)),
                    "the stage's result number {received} should come next"
                );
            }
            drop(sender);
        }
    });
}

#[test]
fn stages_keep_the_order_and_end_when_the_source_ends() {
    on_paused_tokio(LIMIT, || async {
        let numbers = source(0..20_u32, 2);
        let tens = stage(numbers, 2, |n| async move {
            sleep(Duration::from_millis(3)).await;
            n * 10
        });
        let mut labels = stage(tens, 1, |n| async move { format!("#{n}") });
        let labels = collect(&mut labels, "source -> stage -> stage").await;
        let expected: Vec<String> = (0..20).map(|n| format!("#{}", n * 10)).collect();
        assert_eq!(
            labels, expected,
            "every item must go through both stages once, in order"
        );
    });
}

#[test]
fn a_slow_reader_holds_back_the_whole_pipeline() {
    on_paused_tokio(LIMIT, || async {
        let (items, probe) = counted(50);
        let numbers = source(items, 2);
        let mut doubled = stage(numbers, 2, |n| async move { n * 2 });
        let mut received = 0;
        let mut furthest_ahead = 0;
        while let Ok(Some(_)) = timeout(Duration::from_secs(3600), doubled.recv()).await {
            received += 1;
            sleep(Duration::from_millis(10)).await; // a slow reader
            furthest_ahead = furthest_ahead.max(probe.taken() - received);
        }
        assert_eq!(received, 50, "all 50 items must come through, then the end");
        assert!(
            furthest_ahead <= 6,
            "source(0..50, 2) -> stage(.., 2, ..) -> a slow reader: the source got up to \
             {furthest_ahead} items ahead of the reader. A full pipeline holds at most 6 (two \
             channels of 2, and one item in the hands of each task): backpressure did not reach \
             the source, so some stage is unbounded."
        );
    });
}

#[test]
fn a_reader_that_leaves_stops_every_task_before_it() {
    on_paused_tokio(LIMIT, || async {
        let (items, probe) = counted(1000);
        let numbers = source(items, 2);
        let work_probe = Probe::default();
        let (calls, mark) = (work_probe.taken.clone(), DropMark(work_probe.clone()));
        let mut doubled = stage(numbers, 2, move |n| {
            let _keep = &mark; // dropped with the stage's task
            calls.fetch_add(1, SeqCst);
            async move { n * 2 }
        });
        for expected in [0, 2, 4] {
            let got = timeout(Duration::from_secs(3600), doubled.recv()).await;
            assert_eq!(got, Ok(Some(expected)), "the first results are 0, 2, 4");
        }
        drop(doubled);
        settle().await;
        let (calls, taken) = (work_probe.taken(), probe.taken());
        assert!(
            calls <= 7,
            "the reader took 3 results from stage(.., 2, work) and left, but the stage went on: \
             `work` was called {calls} times (expected: at most 7, then the stage ends). Once \
             `send` fails, nobody will ever read a result: the stage should stop, and drop its \
             input so that the stage before it stops too. Likely cause: the stage ignores the \
             error that `send` returns (`let _ = ...send(..)`) and keeps receiving."
        );
        assert!(
            work_probe.dropped(),
            "the reader of the stage's output was dropped, and the stage's task is still alive \
             (it has not dropped its `work`), waiting. When `send` fails, the stage should end. \
             Likely cause: the error that `send` returns is ignored."
        );
        assert!(
            probe.dropped() && taken <= 10,
            "the reader took 3 results and left, and the stage stopped; the source took {taken} \
             of 1000 items and {} (expected: at most 10, then the task ends and drops its \
             iterator). Shutdown must travel up the pipeline: a stage that stops drops its \
             input, and the source's next send fails. Likely cause: the source ignores the \
             error that `send` returns and keeps taking items.",
            if probe.dropped() {
                "then ended"
            } else {
                "has not ended"
            },
        );
    });
}
