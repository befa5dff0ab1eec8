use std::future::Future;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::pin::pin;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::task::Poll;
use std::time::Duration;

use buffer_unordered::fetch_all;
use futures::future::BoxFuture;
use futures::stream::{self, Stream, StreamExt};
use futures_test::stream::StreamTestExt;
use tokio::time::{Instant, sleep, timeout};
use workbook_support::source::Source;
use workbook_support::{on_paused_tokio, within};

const LIMIT: Duration = Duration::from_secs(5);
const AN_HOUR: Duration = Duration::from_secs(3600);

/// What the test sees of the ids taken and the fetches made.
#[derive(Clone, Default)]
struct Probe(Arc<Mutex<Counts>>);

#[derive(Default, Debug)]
struct Counts {
    /// Ids taken from the `ids` stream.
    taken: usize,
    /// Calls of `fetch`.
    made: usize,
    /// Fetches made and neither finished nor dropped.
    in_flight: usize,
    max_in_flight: usize,
    finished: usize,
    /// Fetches dropped before they finished.
    cancelled: usize,
}

/// Lives inside one fetch's future: counts it in flight until it
/// finishes or is dropped.
struct InFlight {
    probe: Probe,
    finished: bool,
}

impl Drop for InFlight {
    fn drop(&mut self) {
        let mut counts = self.probe.counts();
        counts.in_flight -= 1;
        if self.finished {
            counts.finished += 1;
        } else {
            counts.cancelled += 1;
        }
    }
}

impl Probe {
    /// The counts. A failed assertion may poison the lock while a fetch
    /// is still in flight: its drop must still count, not panic again.
    fn counts(&self) -> MutexGuard<'_, Counts> {
        self.0.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// The ids `0..count`, from a stream that is Pending once before each
    /// (as if they came from a network), counting the ids taken. Polled
    /// again after its end, it fails the test (`stream::unfold` would
    /// panic there too).
    fn ids(&self, count: u32) -> impl Stream<Item = u32> + use<> {
        let probe = self.clone();
        let mut ids = stream::iter(0..count)
            .inspect(move |_| probe.counts().taken += 1)
            .interleave_pending();
        let mut ended = false;
        stream::poll_fn(move |cx| {
            assert!(
                !ended,
                "`ids` was polled again after it had returned Ready(None). A stream may panic, \
                 hang or yield more when polled after its end (`stream::unfold` panics): \
                 remember that `ids` has ended, and do not poll it again."
            );
            let next = ids.poll_next_unpin(cx);
            ended = next == Poll::Ready(None);
            next
        })
    }

    /// A `fetch` that takes `millis(id)` milliseconds (of paused time) and
    /// returns `id * 10`, counted by this probe.
    fn fetch(&self, millis: fn(u32) -> u64) -> impl FnMut(u32) -> BoxFuture<'static, u32> + use<> {
        let probe = self.clone();
        move |id| {
            {
                let mut counts = probe.counts();
                counts.made += 1;
                counts.in_flight += 1;
                counts.max_in_flight = counts.max_in_flight.max(counts.in_flight);
            }
            let in_flight = InFlight {
                probe: probe.clone(),
                finished: false,
            };
            Box::pin(async move {
                let mut in_flight = in_flight; // the whole guard, not just its field
                sleep(Duration::from_millis(millis(id))).await;
                in_flight.finished = true;
                id * 10
            })
        }
    }
}

/// Receives every result, with the time (of paused time, in ms since
/// `start`) at which it came; fails if the stream does not end.
async fn collect_timed<S: Stream<Item = (u32, u32)>>(stream: S, start: Instant) -> Vec<(u32, u64)> {
    let mut stream = pin!(stream);
    let mut got = Vec::new();
    loop {
        match timeout(AN_HOUR, stream.next()).await {
            Ok(Some((id, output))) => {
                assert_eq!(
                    output,
                    id * 10,
                    "the result for id {id} is fetch({id})'s output"
                );
                got.push((id, start.elapsed().as_millis() as u64));
            }
            Ok(None) => return got,
            Err(_) => panic!(
                "after the results {got:?} (id, ms), the stream neither yielded another result \
                 nor ended within an hour (of paused time). Every fetch takes at most a second. \
                 Likely causes: the stream waits for something that never comes (a limit of \
                 0 somewhere, a future that is never polled), or it does not end when `ids` \
                 has ended."
            ),
        }
    }
}

#[test]
fn yields_every_result_once_then_ends() {
    on_paused_tokio(LIMIT, || async {
        let probe = Probe::default();
        let start = Instant::now();
        let stream = fetch_all(probe.ids(10), 3, probe.fetch(|_| 10));
        let mut got: Vec<u32> = collect_timed(stream, start)
            .await
            .into_iter()
            .map(|(id, _)| id)
            .collect();
        assert!(
            got.len() >= 10,
            "fetch_all(10 ids, 3, ..) ended after {} result(s), {got:?}, with ids left. The \
             stream ends only when `ids` has ended and no fetch is in flight. Likely cause: it \
             ends as soon as no fetch is in flight, although `ids` has not ended (it was \
             Pending: its next id had not come yet).",
            got.len()
        );
        got.sort();
        assert_eq!(
            got,
            (0..10).collect::<Vec<_>>(),
            "expected one result for each of the ids 0 to 9 (sorted here: any order is fine)"
        );
        let probe = Probe::default();
        let empty = fetch_all(stream::empty(), 3, probe.fetch(|_| 10));
        let got = collect_timed(empty, Instant::now()).await;
        assert!(
            got.is_empty(),
            "no ids, no results: the stream ends at once"
        );
    });
}

#[test]
fn never_has_more_than_limit_fetches_in_flight() {
    on_paused_tokio(LIMIT, || async {
        for limit in [1, 3, 7] {
            let probe = Probe::default();
            let stream = fetch_all(
                probe.ids(20),
                limit,
                probe.fetch(|id| 10 * (1 + id as u64 % 5)),
            );
            collect_timed(stream, Instant::now()).await;
            let max = probe.counts().max_in_flight;
            assert!(
                max <= limit,
                "fetch_all(20 ids, {limit}, ..): up to {max} fetches were in flight at once \
                 (made and not yet finished), more than the limit of {limit}. A fetch may be \
                 made only when fewer than {limit} are running. Likely cause: every fetch is \
                 made at once (join_all, or a FuturesUnordered with no bound), or the bound is \
                 off by one."
            );
        }
    });
}

#[test]
fn keeps_limit_fetches_in_flight_while_ids_are_left() {
    on_paused_tokio(LIMIT, || async {
        let probe = Probe::default();
        let start = Instant::now();
        let stream = fetch_all(probe.ids(12), 4, probe.fetch(|_| 10));
        let got = collect_timed(stream, start).await;
        let max = probe.counts().max_in_flight;
        let elapsed = got.last().map_or(0, |&(_, at)| at);
        let why = if max > 4 {
            "more than 4 were in flight: see the test of the limit"
        } else if max < 4 {
            "fewer than 4 ran at once. Likely causes: the fetches run one after the other \
             (awaiting each before the next: `then`, or a loop of `.await`s), a new fetch \
             waits until a whole batch has finished, or only one new fetch starts per poll \
             (every free slot should be filled in the same poll)"
        } else {
            "4 ran at once, but not all the time. Likely cause: a new fetch waits until a \
             whole batch has finished, or until the fetches before it have been yielded"
        };
        assert!(
            max == 4 && elapsed == 30,
            "fetch_all(12 ids, 4, ..) where every fetch takes 10 ms: 4 at a time should take \
             30 ms, with 4 in flight. It took {elapsed} ms, with at most {max} in flight: {why}."
        );
    });
}

#[test]
fn a_slow_fetch_holds_back_no_other() {
    on_paused_tokio(LIMIT, || async {
        let probe = Probe::default();
        let start = Instant::now();
        // Id 0 takes 100 ms, the others 10 ms; two at a time.
        let stream = fetch_all(
            probe.ids(6),
            2,
            probe.fetch(|id| if id == 0 { 100 } else { 10 }),
        );
        let got = collect_timed(stream, start).await;
        let expected = [(1, 10), (2, 20), (3, 30), (4, 40), (5, 50), (0, 100)];
        assert_eq!(
            got, expected,
            "fetch_all(6 ids, 2, ..) where id 0 takes 100 ms and the others 10 ms: while id 0 \
             runs, the other slot should fetch ids 1 to 5 one after the other, each result \
             yielded as it comes. Left: the results as (id, ms since the start); right: what was \
             expected. Results in the order of the ids, or late, mean that a finished fetch \
             waited for a slower one: keeping the order of the ids (`buffered`), or waiting \
             for a whole batch (`chunks`), is what this job must not do."
        );
    });
}

#[test]
fn nothing_happens_before_the_first_poll() {
    on_paused_tokio(LIMIT, || async {
        let probe = Probe::default();
        let stream = fetch_all(probe.ids(5), 2, probe.fetch(|_| 10));
        sleep(Duration::from_secs(1)).await;
        let (taken, made) = {
            let counts = probe.counts();
            (counts.taken, counts.made)
        };
        assert!(
            taken == 0 && made == 0,
            "fetch_all(..) took {taken} ids from `ids` and made {made} fetches before its \
             stream was polled. A stream does its work when it is polled: until then, nothing \
             may happen (the caller may never poll it, or poll it much later)."
        );
        drop(stream);
    });
}

#[test]
fn takes_an_id_only_when_its_fetch_can_start() {
    on_paused_tokio(LIMIT, || async {
        let probe = Probe::default();
        // Every fetch takes 10 ms; the caller waits 4 ms at a time, so it
        // looks both while the stream is Pending and after results.
        let stream = fetch_all(probe.ids(1000), 3, probe.fetch(|_| 10));
        let mut stream = pin!(stream);
        let mut received = 0;
        for _ in 0..12 {
            let when = match timeout(Duration::from_millis(4), stream.next()).await {
                Ok(Some(_)) => {
                    received += 1;
                    format!("after result {received}")
                }
                Ok(None) => panic!("the stream ended after {received} results of 1000"),
                Err(_) => format!(
                    "while the stream was Pending (the caller waiting for result {})",
                    received + 1
                ),
            };
            let counts = probe.counts();
            let (taken, made) = (counts.taken, counts.made);
            assert!(
                taken == made,
                "{when}, fetch_all(1000 ids, 3, ..) had taken {taken} ids from `ids` but made \
                 only {made} fetches ({} in flight): it holds an id whose fetch has not \
                 started. An id is taken only when its fetch can start, when fewer than 3 \
                 fetches are in flight, and its fetch is made at once. Likely cause: the next \
                 id is taken before a slot is free, and kept for later.",
                counts.in_flight,
            );
            assert!(
                taken <= received + 3,
                "{when}, fetch_all(1000 ids, 3, ..) had already taken {taken} ids from `ids` \
                 ({made} fetches made). It may hold at most 3 ids whose results are not \
                 yielded yet: an id is taken when its fetch can start. Likely causes: the ids \
                 are collected before the fetches begin, or more than 3 fetches are made at \
                 once.",
            );
        }
        assert!(
            received >= 5,
            "in 48 ms (of paused time), with 3 fetches of 10 ms at a time, at least 5 results \
             should have come; {received} did"
        );
    });
}

#[test]
fn dropping_the_stream_cancels_the_fetches_in_flight() {
    on_paused_tokio(LIMIT, || async {
        let probe = Probe::default();
        // Id 0 takes 10 ms, the others a second; three at a time.
        let stream = fetch_all(
            probe.ids(10),
            3,
            probe.fetch(|id| if id == 0 { 10 } else { 1000 }),
        );
        let mut stream = Box::pin(stream);
        let first = timeout(AN_HOUR, stream.next()).await;
        assert_eq!(
            first,
            Ok(Some((0, 0))),
            "id 0 is the fastest: its result comes first"
        );
        let (made, in_flight) = {
            let counts = probe.counts();
            (counts.made, counts.in_flight)
        };
        drop(stream);
        sleep(Duration::from_secs(10)).await;
        let counts = probe.counts();
        assert!(
            counts.cancelled == in_flight && counts.made == made,
            "after the first result, {in_flight} fetches were in flight and the stream was \
             dropped. They should have been dropped with it, and nothing more fetched. \
             Instead, 10 s later: {} of them were dropped before finishing, {} finished, and \
             {} more were made. Likely cause: the fetches run in spawned tasks, which live on \
             after the stream is dropped.",
            counts.cancelled,
            counts.finished.saturating_sub(1),
            counts.made.saturating_sub(made),
        );
    });
}

/// A fetch whose futures do nothing: for the test of `limit` 0.
fn ready_fetch(id: u32) -> impl Future<Output = u32> {
    std::future::ready(id)
}

#[test]
fn a_limit_of_zero_panics_at_once() {
    within(LIMIT, || {
        let made = catch_unwind(AssertUnwindSafe(|| {
            drop(fetch_all(stream::iter([1, 2, 3]), 0, ready_fetch));
        }));
        assert!(
            made.is_err(),
            "fetch_all(ids, 0, ..) returned a stream. With a limit of 0 no fetch may ever run, \
             so that stream could never yield anything: its caller would wait forever, with no \
             error to see. The contract says that fetch_all panics at once, before returning."
        );
    });
}

#[test]
fn is_written_by_hand() {
    let why = "This challenge is to build by hand what these combinators do: keep at most \
               `limit` fetches in flight, take an id only when one can start, and hand out \
               each result as it comes. Write the stream yourself (a `poll_fn`, or a struct \
               with `poll_next`) around a set of futures in flight.";
    let source = Source::new("src/lib.rs", include_str!("../src/lib.rs"));
    for combinator in [
        "buffer_unordered",
        "buffered",
        "for_each_concurrent",
        "try_buffer_unordered",
        "try_buffered",
        "try_for_each_concurrent",
    ] {
        source.never_uses(combinator, why);
    }
}
