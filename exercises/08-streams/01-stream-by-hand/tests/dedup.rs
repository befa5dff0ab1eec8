use std::collections::VecDeque;
use std::pin::{Pin, pin};
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll, Waker};
use std::time::Duration;

use futures::stream::{self, Stream, StreamExt};
use futures_test::stream::StreamTestExt;
use stream_by_hand::Dedup;
use workbook_support::{Driver, Limits, Trace, within};

const LIMIT: Duration = Duration::from_secs(5);

/// Pulls every item the way an executor would: `next().await`, polled
/// again only after a wake-up. Fails if the stream does not end.
fn collect<S: Stream + Unpin>(driver: &mut Driver, mut stream: S) -> Vec<S::Item> {
    let mut items = Vec::new();
    while let Some(item) = driver.run(stream.next(), Limits::default()) {
        items.push(item);
        assert!(items.len() < 100, "the stream should have ended long ago");
    }
    items
}

/// Polls the stream's `poll_next` once, through `next()`.
fn poll_next<S: Stream + Unpin>(driver: &mut Driver, stream: &mut S) -> Poll<Option<S::Item>> {
    driver.poll(pin!(stream.next()))
}

const NOT_WOKEN: &str = "`Dedup` returned Pending although the inner stream had returned an item \
    in that poll, not Pending. Nothing will wake the task then: the inner stream did not register \
    the waker, and the executor never polls again (it hangs). A duplicate to skip is no reason to \
    return Pending: look at the inner stream's next item in the same poll. See the book page \
    \"Implementing Stream by hand\", or run `cargo xtask hint`.";

#[test]
fn drops_consecutive_duplicates() {
    within(LIMIT, || {
        let mut driver = Driver::new("Dedup::new(stream::iter([1, 1, 2, 2, 2, 1, 3, 3]))");
        driver.when_not_woken(NOT_WOKEN);
        let dedup = Dedup::new(stream::iter([1, 1, 2, 2, 2, 1, 3, 3]));
        let items = collect(&mut driver, dedup);
        assert_eq!(
            items,
            [1, 2, 1, 3],
            "only an item equal to the one just before is dropped: 1, 1, 2, 2, 2, 1, 3, 3 \
             becomes 1, 2, 1, 3 (the second 1 comes after a 2, so it stays)"
        );
    });
}

#[test]
fn yields_every_item_of_a_stream_without_duplicates() {
    within(LIMIT, || {
        let mut driver = Driver::new("Dedup::new(stream::iter([\"a\", \"b\", \"a\"]))");
        driver.when_not_woken(NOT_WOKEN);
        let items = collect(&mut driver, Dedup::new(stream::iter(["a", "b", "a"])));
        assert_eq!(
            items,
            ["a", "b", "a"],
            "no two neighbours are equal: all stay"
        );
        let mut driver = Driver::new("Dedup::new(stream::empty())");
        let items = collect(&mut driver, Dedup::new(stream::empty::<u8>()));
        assert!(items.is_empty(), "an empty stream stays empty");
    });
}

#[test]
fn skips_a_run_of_duplicates_in_one_poll_without_waking_itself() {
    within(LIMIT, || {
        let mut driver = Driver::new("Dedup::new(stream::iter([7, 7, 7, 7, 7, 8]))");
        driver.when_not_woken(NOT_WOKEN);
        let items = collect(&mut driver, Dedup::new(stream::iter([7, 7, 7, 7, 7, 8])));
        assert_eq!(items, [7, 8], "7, 7, 7, 7, 7, 8 becomes 7, 8");
        let (polls, wakes) = (driver.polls(), driver.wakes());
        assert_eq!(
            wakes, 0,
            "the inner stream (stream::iter) never returned Pending, yet the task was woken \
             {wakes} times: `Dedup` woke it itself, and the executor polled {polls} times instead \
             of 3. A duplicate is skipped by looking at the next item in the same poll; \
             returning Pending and waking the task makes a round trip through the executor \
             for each duplicate."
        );
        assert_eq!(
            polls, 3,
            "two items and the end: 3 polls of `next()` are enough"
        );
    });
}

/// Yields 1, then `duplicates` more 1s, then 2, always ready; notes the
/// stack address of a local in each of its polls.
struct LongRun {
    duplicates: usize,
    next: usize,
    addresses: Arc<Mutex<Vec<usize>>>,
}

impl Stream for LongRun {
    type Item = u32;

    fn poll_next(mut self: Pin<&mut Self>, _cx: &mut Context<'_>) -> Poll<Option<u32>> {
        let local = 0u8;
        let address = std::hint::black_box(&local) as *const u8 as usize;
        self.addresses.lock().unwrap().push(address);
        let n = self.next;
        self.next += 1;
        Poll::Ready(match n {
            n if n <= self.duplicates => Some(1),
            n if n == self.duplicates + 1 => Some(2),
            _ => None,
        })
    }
}

#[test]
fn skips_a_long_run_of_duplicates_in_a_loop_not_by_recursion() {
    within(LIMIT, || {
        let addresses = Arc::new(Mutex::new(Vec::new()));
        let inner = LongRun {
            duplicates: 1000,
            next: 0,
            addresses: addresses.clone(),
        };
        let mut driver = Driver::new("Dedup over 1, then 1000 more 1s, then 2");
        driver.when_not_woken(NOT_WOKEN);
        let items = collect(&mut driver, Dedup::new(inner));
        assert_eq!(items, [1, 2], "1, 1000 more 1s, then 2 becomes 1, 2");
        let addresses = addresses.lock().unwrap();
        let lowest = addresses.iter().min().copied().unwrap_or_default();
        let highest = addresses.iter().max().copied().unwrap_or_default();
        let spread = highest - lowest;
        assert!(
            spread < 4096,
            "while `Dedup` skipped 1000 duplicates, the inner stream was polled deeper and \
             deeper in the stack: its polls were {spread} bytes apart, where a loop polls it \
             from the same place every time. Likely cause: a duplicate is skipped by calling \
             `poll_next` again from inside `poll_next` (recursion): every duplicate adds a \
             stack frame, and a long enough run of duplicates overflows the stack, which \
             aborts the whole program. Skip it by going round a loop in the same call."
        );
    });
}

#[test]
fn passes_the_inner_streams_pending_on_and_nothing_else() {
    within(LIMIT, || {
        // Before each item, and before its end, the inner stream returns
        // Pending once, waking the task itself.
        let inner = stream::iter([1, 1, 1, 2, 2, 3]).interleave_pending();
        let mut driver = Driver::new("Dedup over an inner stream that is Pending before each item");
        driver.when_not_woken(NOT_WOKEN);
        let items = collect(&mut driver, Dedup::new(inner));
        assert_eq!(items, [1, 2, 3], "1, 1, 1, 2, 2, 3 becomes 1, 2, 3");
        let wakes = driver.wakes();
        assert_eq!(
            wakes, 7,
            "the inner stream returned Pending 7 times (before each of its 6 items and before \
             its end), waking the task each time; the task was woken {wakes} times. Every \
             wake-up should come from the inner stream: `Dedup` passes its Pending on and adds \
             none of its own."
        );
    });
}

/// What the test controls and sees of a [`Feed`].
#[derive(Default)]
struct FeedState {
    queue: VecDeque<u32>,
    ended: bool,
    returned_none: bool,
    polls_after_none: usize,
    waker: Option<Waker>,
}

/// An inner stream fed by the test: Pending while its queue is empty,
/// woken by `push` and `end`. Polled after its end, it misbehaves as the
/// `Stream` trait allows: it yields `Some(999)`.
struct Feed(Arc<Mutex<FeedState>>);

#[derive(Clone)]
struct FeedHandle(Arc<Mutex<FeedState>>);

fn feed() -> (Feed, FeedHandle) {
    let state = Arc::new(Mutex::new(FeedState::default()));
    (Feed(state.clone()), FeedHandle(state))
}

impl FeedHandle {
    fn push(&self, item: u32) {
        let waker = {
            let mut state = self.0.lock().unwrap();
            state.queue.push_back(item);
            state.waker.take()
        };
        waker.into_iter().for_each(Waker::wake);
    }

    fn end(&self) {
        let waker = {
            let mut state = self.0.lock().unwrap();
            state.ended = true;
            state.waker.take()
        };
        waker.into_iter().for_each(Waker::wake);
    }

    fn polls_after_none(&self) -> usize {
        self.0.lock().unwrap().polls_after_none
    }
}

impl Stream for Feed {
    type Item = u32;

    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<u32>> {
        let mut state = self.0.lock().unwrap();
        if state.returned_none {
            state.polls_after_none += 1;
            return Poll::Ready(Some(999));
        }
        if let Some(item) = state.queue.pop_front() {
            return Poll::Ready(Some(item));
        }
        if state.ended {
            state.returned_none = true;
            return Poll::Ready(None);
        }
        state.waker = Some(cx.waker().clone());
        Poll::Pending
    }
}

#[test]
fn yields_each_item_as_soon_as_the_inner_stream_does() {
    within(LIMIT, || {
        let (inner, handle) = feed();
        let mut dedup = Dedup::new(inner);
        let mut driver = Driver::new("Dedup::new(feed)");
        handle.push(1);
        let first = poll_next(&mut driver, &mut dedup);
        assert_eq!(
            first,
            Poll::Ready(Some(1)),
            "the inner stream had yielded 1 and had nothing more yet: `Dedup` should yield 1 \
             at once. Waiting for the next item before yielding this one holds items back \
             (and forever, on a stream whose next item never comes)."
        );
        let empty = poll_next(&mut driver, &mut dedup);
        assert_eq!(
            empty,
            Poll::Pending,
            "the inner stream has nothing: Pending"
        );
        handle.push(1);
        assert_eq!(
            driver.wakes(),
            1,
            "pushing an item into the inner stream should wake the task once, through the \
             waker the inner stream got from `Dedup`'s poll"
        );
        let duplicate = poll_next(&mut driver, &mut dedup);
        assert_eq!(
            duplicate,
            Poll::Pending,
            "the inner stream yielded 1 again, a duplicate, and then had nothing: Pending"
        );
        handle.push(2);
        assert_eq!(
            driver.wakes(),
            2,
            "after skipping the duplicate, `Dedup` should have polled the inner stream again \
             in the same poll, so that the inner stream holds the waker and its next item \
             wakes the task; it was not woken"
        );
        let second = poll_next(&mut driver, &mut dedup);
        assert_eq!(second, Poll::Ready(Some(2)), "then 2 comes through at once");
        handle.end();
        let end = poll_next(&mut driver, &mut dedup);
        assert_eq!(
            end,
            Poll::Ready(None),
            "the inner stream ended: so does `Dedup`"
        );
    });
}

#[test]
fn stays_finished_without_polling_the_inner_stream_again() {
    within(LIMIT, || {
        let (inner, handle) = feed();
        handle.push(5);
        handle.end();
        let mut dedup = Dedup::new(inner);
        let mut driver = Driver::new("Dedup::new(feed)");
        assert_eq!(
            poll_next(&mut driver, &mut dedup),
            Poll::Ready(Some(5)),
            "the inner stream holds 5, then its end"
        );
        assert_eq!(
            poll_next(&mut driver, &mut dedup),
            Poll::Ready(None),
            "the inner stream ended after 5: so does `Dedup`"
        );
        for n in 1..=3 {
            let again = poll_next(&mut driver, &mut dedup);
            let inner_polls = handle.polls_after_none();
            assert!(
                again == Poll::Ready(None) && inner_polls == 0,
                "poll {n} after `Dedup` returned Ready(None): expected Ready(None) again without \
                 touching the inner stream, got {again:?}, and the inner stream was polled \
                 {inner_polls} times after its end. The `Stream` trait lets a finished stream \
                 do anything when polled again: panic (as `stream::unfold` does), hang, or, as \
                 this one does, yield more items (999). `Dedup` must remember that the inner \
                 stream ended and answer None itself."
            );
        }
        assert_eq!(
            driver.wakes(),
            0,
            "a finished stream has nothing to wake anyone for"
        );
    });
}

/// Records each poll of the inner stream and what it returned.
struct Traced<S> {
    inner: S,
    trace: Trace,
}

impl<S: Stream<Item = u32> + Unpin> Stream for Traced<S> {
    type Item = u32;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<u32>> {
        // Recorded on entry and on return, so that a wake-up the inner
        // stream makes inside its poll shows between the two.
        self.trace.push("  inner.poll_next called");
        let result = self.inner.poll_next_unpin(cx);
        self.trace
            .push(format!("  inner.poll_next returned {result:?}"));
        result
    }
}

#[test]
fn trace_of_pulling_dedup_step_by_step() {
    let trace = Trace::new();
    let mut driver = Driver::traced("Dedup over 1, 1, 2 (Pending before the 2)", &trace);
    driver.when_not_woken(NOT_WOKEN);
    let traced = trace.clone();
    within(LIMIT, move || {
        let inner = stream::iter([1, 1])
            .chain(stream::iter([2]).interleave_pending())
            .fuse();
        let mut dedup = Dedup::new(Traced {
            inner,
            trace: trace.clone(),
        });
        while let Some(item) = driver.run(dedup.next(), Limits::default()) {
            trace.push(format!("next() = Some({item})"));
        }
        trace.push("next() = None");
    });
    insta::assert_snapshot!(traced.render());
}
