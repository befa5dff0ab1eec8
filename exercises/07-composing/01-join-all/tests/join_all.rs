use std::cell::{Cell, RefCell};
use std::future::Future;
use std::rc::Rc;
use std::time::Duration;

use join_all::{fetch_all, fetch_each};
use tokio::time::{Instant, sleep, timeout};
use workbook_support::on_paused_tokio;

const LIMIT: Duration = Duration::from_secs(5);

/// A fake server: fetching id `n` takes `n` milliseconds and answers
/// `n * 10`. It counts calls, and how many fetches are running at once.
/// Its futures hold an `Rc`, so they are not `Send`: they can only run in
/// the caller's task.
#[derive(Default)]
struct Server {
    calls: Cell<usize>,
    running: Cell<usize>,
    most_running: Cell<usize>,
}

impl Server {
    fn fetch(self: &Rc<Self>, id: u32) -> impl Future<Output = u32> + use<> {
        let numbered = self.fetch_numbered(id, u64::from(id));
        async move { numbered.await.0 }
    }

    /// Like `fetch`, but taking `ms` milliseconds and answering
    /// `(id * 10, call)`, where `call` counts the calls from 0: two
    /// fetches of the same id can be told apart.
    fn fetch_numbered(
        self: &Rc<Self>,
        id: u32,
        ms: u64,
    ) -> impl Future<Output = (u32, usize)> + use<> {
        let call = self.calls.get();
        self.calls.set(call + 1);
        let server = Rc::clone(self);
        async move {
            // Running from its first poll until it is done.
            server.running.set(server.running.get() + 1);
            let most = server.most_running.get().max(server.running.get());
            server.most_running.set(most);
            sleep(Duration::from_millis(ms)).await;
            server.running.set(server.running.get() - 1);
            (id * 10, call)
        }
    }
}

fn ms(elapsed: Duration) -> u128 {
    elapsed.as_millis()
}

/// Awaits `call`, failing with a clear message if it never finishes.
async fn finish<T>(call: impl Future<Output = T>, what: &str) -> T {
    match timeout(Duration::from_secs(3600), call).await {
        Ok(output) => output,
        Err(_) => panic!(
            "{what} had not returned an hour (of paused time) after it was called. Likely \
             cause: it waits for something that never happens, such as a future that is never \
             polled, or a loop that waits for one more output after the last."
        ),
    }
}

#[test]
fn fetch_all_returns_the_outputs_in_the_order_of_the_ids() {
    on_paused_tokio(LIMIT, || async {
        let server = Rc::new(Server::default());
        let outputs = finish(
            fetch_all(&[30, 10, 20], |id| server.fetch(id)),
            "fetch_all(&[30, 10, 20], ..)",
        )
        .await;
        assert_eq!(
            outputs,
            [300, 100, 200],
            "fetch_all(&[30, 10, 20], ..) must return the outputs in the order of the ids, \
             whichever fetch finished first. (In the order they finished, they would be \
             [100, 200, 300]: is the collection you used one that yields in completion order?)"
        );
    });
}

#[test]
fn fetch_all_takes_as_long_as_the_slowest_fetch_not_the_sum() {
    on_paused_tokio(LIMIT, || async {
        let server = Rc::new(Server::default());
        let start = Instant::now();
        finish(
            fetch_all(&[30, 10, 20], |id| server.fetch(id)),
            "fetch_all(&[30, 10, 20], ..)",
        )
        .await;
        let took = ms(start.elapsed());
        let most = server.most_running.get();
        assert!(
            took == 30,
            "fetch_all(&[30, 10, 20], ..), fetches of 30, 10 and 20 ms, took {took} ms: expected \
             30 ms, the slowest, because all three should wait at the same time. At most {most} \
             ran at once. {}",
            if took == 60 {
                "60 ms is the sum: the fetches ran one after the other. Calling `fetch` for every \
                 id first does not help: a future does nothing until it is polled, and awaiting \
                 them one by one polls them one by one. One future must own them all and poll \
                 all of them."
            } else {
                "Each fetch should start at once and nothing should wait on top of them."
            }
        );
    });
}

#[test]
fn fetch_all_has_every_fetch_in_flight_at_once_even_for_many_ids() {
    on_paused_tokio(LIMIT, || async {
        let server = Rc::new(Server::default());
        // 100 ids, from 1 to 100 ms, the slowest first.
        let ids: Vec<u32> = (1..=100).rev().collect();
        let start = Instant::now();
        let outputs = finish(
            fetch_all(&ids, |id| server.fetch(id)),
            "fetch_all of 100 ids",
        )
        .await;
        let took = ms(start.elapsed());
        let expected: Vec<u32> = ids.iter().map(|id| id * 10).collect();
        assert_eq!(
            outputs, expected,
            "fetch_all of 100 ids must return 100 outputs in the order of the ids"
        );
        assert_eq!(
            server.most_running.get(),
            100,
            "fetch_all of 100 ids: all 100 fetches should be running at the same time, but at \
             most {} were",
            server.most_running.get()
        );
        assert_eq!(
            took, 100,
            "fetch_all of 100 fetches of 1 to 100 ms took {took} ms: expected 100 ms, the slowest"
        );
    });
}

#[test]
fn fetch_all_calls_fetch_once_per_id() {
    on_paused_tokio(LIMIT, || async {
        let server = Rc::new(Server::default());
        finish(
            fetch_all(&[5, 5, 7, 1], |id| server.fetch(id)),
            "fetch_all(&[5, 5, 7, 1], ..)",
        )
        .await;
        assert_eq!(
            server.calls.get(),
            4,
            "fetch_all(&[5, 5, 7, 1], ..) called `fetch` {} times: expected once per id, 4 times \
             (an id given twice is fetched twice)",
            server.calls.get()
        );
    });
}

#[test]
fn fetch_all_keeps_each_output_in_the_place_of_its_own_fetch() {
    on_paused_tokio(LIMIT, || async {
        let server = Rc::new(Server::default());
        // Id 5 twice: the first fetch of it takes 12 ms, the second 5 ms.
        let outputs = finish(
            fetch_all(&[5, 5, 7, 1], |id| {
                let ms = if server.calls.get() == 0 {
                    12
                } else {
                    u64::from(id)
                };
                server.fetch_numbered(id, ms)
            }),
            "fetch_all(&[5, 5, 7, 1], ..)",
        )
        .await;
        let expected = [(50, 0), (50, 1), (70, 2), (10, 3)];
        assert_eq!(
            outputs,
            expected,
            "fetch_all(&[5, 5, 7, 1], ..) with outputs (id * 10, number of the call): the \
             first fetch of 5 takes 12 ms and the second 5 ms. Place i must hold the output of \
             the fetch made for ids[i], so expected {expected:?}; got {outputs:?}. {}",
            if outputs.len() == 4 && outputs[0] == (50, 1) {
                "The two outputs of id 5 are swapped: matching outputs back to their ids, in the \
                 order they finished, cannot tell two fetches of the same id apart. Keep each \
                 output in the place of its own fetch."
            } else {
                "Are the fetches made in the order of the ids, one per id?"
            }
        );
    });
}

#[test]
fn fetch_all_of_no_ids_is_empty_at_once() {
    on_paused_tokio(LIMIT, || async {
        let server = Rc::new(Server::default());
        let start = Instant::now();
        let outputs = finish(fetch_all(&[], |id| server.fetch(id)), "fetch_all(&[], ..)").await;
        assert!(
            outputs.is_empty(),
            "fetch_all(&[], ..) must return an empty Vec"
        );
        assert_eq!(
            start.elapsed(),
            Duration::ZERO,
            "fetch_all(&[], ..) has nothing to wait for, and must return at once"
        );
    });
}

#[test]
fn fetch_each_reports_each_output_the_moment_its_fetch_finishes() {
    on_paused_tokio(LIMIT, || async {
        let server = Rc::new(Server::default());
        let start = Instant::now();
        let reports = RefCell::new(Vec::new());
        finish(
            fetch_each(
                &[30, 10, 20],
                |id| server.fetch(id),
                |id, output| reports.borrow_mut().push((ms(start.elapsed()), id, output)),
            ),
            "fetch_each(&[30, 10, 20], ..)",
        )
        .await;
        let reports = reports.into_inner();
        assert_eq!(
            reports,
            [(10, 10, 100), (20, 20, 200), (30, 30, 300)],
            "fetch_each(&[30, 10, 20], ..) with fetches of 30, 10 and 20 ms: expected (ms, id, \
             output) reports as each fetch finishes, (10, 10, 100) at 10 ms, then 20 ms, then \
             30 ms; got {reports:?}. {}",
            if server.most_running.get() == 1 {
                "The fetches ran one after the other: all of them should be in flight at once."
            } else if reports.iter().all(|&(at, ..)| at == 30) {
                "Every report came when the slowest was done: the outputs were held back (all \
                 gathered first, or kept in the order of the ids). Report each one as its own \
                 fetch finishes."
            } else if reports.first().is_some_and(|&(_, id, _)| id == 30) {
                "The reports follow the order of the ids: report in the order the fetches \
                 finish, which needs a collection that yields outputs as they come."
            } else if reports.iter().any(|&(_, id, output)| output != id * 10) {
                "The ids don't match the outputs (the output of id n is n * 10): each output \
                 must be reported with the id it was fetched for, not its position in `ids` \
                 or a count. Keep each id together with its own fetch."
            } else {
                "Are all fetches in flight at once?"
            }
        );
    });
}

#[test]
fn fetch_each_takes_as_long_as_the_slowest_fetch_not_the_sum() {
    on_paused_tokio(LIMIT, || async {
        let server = Rc::new(Server::default());
        let ids: Vec<u32> = (1..=40).collect();
        let start = Instant::now();
        let mut count = 0;
        finish(
            fetch_each(&ids, |id| server.fetch(id), |_, _| count += 1),
            "fetch_each of 40 ids",
        )
        .await;
        let took = ms(start.elapsed());
        assert_eq!(
            server.most_running.get(),
            40,
            "fetch_each of 40 ids: all 40 fetches should be running at the same time, but at \
             most {} were. Calling `fetch` does not start anything: only polling does, so one \
             future must own all of them and poll them all.",
            server.most_running.get()
        );
        assert_eq!(
            took, 40,
            "fetch_each of 40 fetches of 1 to 40 ms took {took} ms: expected 40 ms, the slowest"
        );
        assert_eq!(count, 40, "fetch_each of 40 ids must report 40 outputs");
    });
}

#[test]
fn fetch_each_reports_every_id_once() {
    on_paused_tokio(LIMIT, || async {
        let server = Rc::new(Server::default());
        let mut reported = Vec::new();
        finish(
            fetch_each(
                &[4, 4, 9, 2],
                |id| server.fetch(id),
                |id, output| reported.push((id, output)),
            ),
            "fetch_each(&[4, 4, 9, 2], ..)",
        )
        .await;
        reported.sort();
        assert_eq!(
            reported,
            [(2, 20), (4, 40), (4, 40), (9, 90)],
            "fetch_each(&[4, 4, 9, 2], ..) must report each id once with its own output (an id \
             given twice is reported twice; the output of id n is n * 10); got the (id, output) \
             reports {reported:?}, sorted"
        );
        assert_eq!(
            server.calls.get(),
            4,
            "fetch_each(&[4, 4, 9, 2], ..) called `fetch` {} times: expected once per id",
            server.calls.get()
        );
    });
}

#[test]
fn fetch_each_of_no_ids_returns_at_once() {
    on_paused_tokio(LIMIT, || async {
        let server = Rc::new(Server::default());
        let start = Instant::now();
        let mut count = 0;
        finish(
            fetch_each(&[], |id| server.fetch(id), |_, _| count += 1),
            "fetch_each(&[], ..)",
        )
        .await;
        assert_eq!(count, 0, "fetch_each(&[], ..) has nothing to report");
        assert_eq!(
            start.elapsed(),
            Duration::ZERO,
            "fetch_each(&[], ..) has nothing to wait for, and must return at once"
        );
    });
}
