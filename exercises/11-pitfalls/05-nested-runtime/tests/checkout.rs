use std::any::Any;
use std::future::Future;
use std::panic::{self, AssertUnwindSafe, catch_unwind};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering::SeqCst};
use std::sync::{Once, mpsc};
use std::thread;
use std::time::Duration;

use nested_runtime::{PriceList, UnknownSku, checkout, total_blocking};
use tokio::runtime::{Builder, Runtime};

/// Real time a run may take before the test calls it stuck. A correct
/// checkout takes milliseconds.
const STUCK_AFTER: Duration = Duration::from_secs(2);

const SHOP: [(&str, u32); 4] = [
    ("apple", 40),
    ("bread", 250),
    ("cheese", 480),
    ("dates", 320),
];

fn current_thread() -> Runtime {
    Builder::new_current_thread().enable_all().build().unwrap()
}

fn multi_thread(workers: usize) -> Runtime {
    Builder::new_multi_thread()
        .worker_threads(workers)
        .enable_all()
        .build()
        .unwrap()
}

/// How a run ended.
enum Outcome<T> {
    Finished(T),
    Panicked(String),
    Stuck,
}

/// Runs `make()` on `runtime`, on a thread of its own, and says how it ended:
/// a blocked runtime thread is reported as `Stuck` after `STUCK_AFTER`
/// instead of hanging the test (that thread is left blocked).
fn run<T, F>(runtime: Runtime, make: impl FnOnce() -> F + Send + 'static) -> Outcome<T>
where
    F: Future<Output = T>,
    T: Send + 'static,
{
    quiet_panics();
    let (done, outcome) = mpsc::channel();
    thread::spawn(move || {
        let result = catch_unwind(AssertUnwindSafe(|| runtime.block_on(make())));
        let _ = done.send(result.map_err(|payload| message(&*payload)));
        // The runtime may be blocked inside a checkout: never wait for it.
    });
    match outcome.recv_timeout(STUCK_AFTER) {
        Ok(Ok(value)) => Outcome::Finished(value),
        Ok(Err(message)) => Outcome::Panicked(message),
        Err(_) => Outcome::Stuck,
    }
}

/// The panics these tests provoke are reported by the tests, in words: the
/// hook prints each one's message and place, without a backtrace.
fn quiet_panics() {
    static ONCE: Once = Once::new();
    ONCE.call_once(|| {
        panic::set_hook(Box::new(|info| {
            let place = info.location().map(|l| l.to_string()).unwrap_or_default();
            let text = info
                .payload_as_str()
                .unwrap_or("(a panic without a message)");
            eprintln!("panicked at {place}:\n{text}");
        }));
    });
}

fn message(payload: &(dyn Any + Send)) -> String {
    payload
        .downcast_ref::<&str>()
        .map(|s| s.to_string())
        .or_else(|| payload.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "(a panic without a message)".to_owned())
}

/// What a panic message means here, in words.
fn explain(message: &str) -> &'static str {
    if message.contains("Cannot start a runtime from within a runtime") {
        "That is tokio refusing a `block_on` on a thread that drives async tasks. checkout runs \
         in a task, on a runtime thread; something it calls, directly or a few calls down, tries \
         to block that thread until a future is done. Blocking it would stop the very tasks that \
         finish that future (here: the price service), so tokio panics instead of deadlocking. \
         Getting another handle or another runtime to call `block_on` on changes nothing: the \
         thread is the problem. In async code, wait for a future with `.await`; or do the \
         blocking call on a thread where blocking is allowed."
    } else if message.contains("can call blocking only when running on the multi-threaded runtime")
    {
        "That is `block_in_place` refusing to run: it works only on a multi-thread runtime, where \
         tokio can hand the other tasks of the blocked worker to a new thread. A current-thread \
         runtime has no other thread, so it panics. checkout must work on both kinds of runtime."
    } else if message.contains("Cannot drop a runtime") {
        "A runtime was built and then dropped inside async code: dropping one waits for its \
         threads, which async code must not do. A second runtime does not help anyway: blocking \
         on it still blocks the thread that this request's runtime needs."
    } else if message.contains("Cannot block the current thread from within a runtime") {
        "That is one of tokio's `blocking_*` methods (such as `blocking_recv` or \
         `blocking_lock`) refusing to run in async code: they block the thread, like `block_on`. \
         In async code, use the async method and `.await` it."
    } else {
        "Read the message above: it names what went wrong."
    }
}

/// The result of one checkout run on `runtime`, or a failure that says in
/// words what happened.
fn checkout_on(
    runtime: Runtime,
    flavor: &str,
    basket: &'static [&'static str],
) -> Result<u32, UnknownSku> {
    let outcome = run(runtime, move || async move {
        let prices = PriceList::start(SHOP);
        checkout(&prices, basket).await
    });
    match outcome {
        Outcome::Finished(result) => result,
        Outcome::Panicked(message) => panic!(
            "checkout({basket:?}) on a {flavor} runtime panicked with this message:\n  \
             {message}\n{}",
            explain(&message)
        ),
        Outcome::Stuck => panic!(
            "{}",
            stuck(&format!("checkout({basket:?}) on a {flavor} runtime"))
        ),
    }
}

fn stuck(what: &str) -> String {
    format!(
        "{what} did not finish within {STUCK_AFTER:?} of real time, where it needs \
         milliseconds: a runtime thread is blocked, waiting for a price that only a task of that \
         same runtime can deliver. tokio panics for its own `block_on`, but it cannot see other \
         blocking waits: another executor's `block_on` (such as `futures::executor::block_on`), \
         joining a thread, a std channel's `recv`, a loop that polls until something is done. \
         Whichever it is, the price service task never gets the thread to answer. In async \
         code, wait with `.await`."
    )
}

#[test]
fn checkout_totals_a_basket_on_a_current_thread_runtime() {
    let total = checkout_on(
        current_thread(),
        "current-thread",
        &["apple", "bread", "cheese"],
    );
    assert_eq!(
        total,
        Ok(40 + 250 + 480),
        "checkout of apple, bread and cheese should total their prices, in cents"
    );
}

#[test]
fn checkout_totals_a_basket_on_a_multi_thread_runtime() {
    let total = checkout_on(multi_thread(2), "multi-thread", &["dates", "apple"]);
    assert_eq!(total, Ok(320 + 40), "checkout of dates and apple, in cents");
}

#[test]
fn checkout_reports_the_first_unknown_sku() {
    let result = checkout_on(
        current_thread(),
        "current-thread",
        &["apple", "eggs", "figs"],
    );
    assert_eq!(
        result,
        Err(UnknownSku("eggs".to_owned())),
        "checkout must return the first SKU that the price list does not know"
    );
    let empty = checkout_on(current_thread(), "current-thread", &[]);
    assert_eq!(empty, Ok(0), "an empty basket totals 0");
}

/// Many requests at once, each in its own task, as a server runs them: on
/// a multi-thread runtime, more requests than workers.
fn many_checkouts(runtime: Runtime, flavor: &str, requests: usize) {
    let outcome = run(runtime, move || async move {
        let prices = PriceList::start(SHOP);
        let mut tasks = Vec::new();
        for _ in 0..requests {
            let prices = prices.clone();
            tasks.push(tokio::spawn(async move {
                checkout(&prices, &["bread", "cheese", "dates"]).await
            }));
        }
        let mut totals = Vec::new();
        for task in tasks {
            totals.push(task.await.map_err(|error| match error.try_into_panic() {
                Ok(payload) => message(&*payload),
                Err(error) => error.to_string(),
            }));
        }
        totals
    });
    let what = format!("{requests} checkouts at once, each in its own task, on a {flavor} runtime");
    let totals = match outcome {
        Outcome::Finished(totals) => totals,
        Outcome::Panicked(message) => panic!("{what} panicked: {message}"),
        Outcome::Stuck => panic!("{}", stuck(&what)),
    };
    for total in totals {
        match total {
            Ok(total) => assert_eq!(
                total,
                Ok(250 + 480 + 320),
                "{what}: each should total its basket"
            ),
            Err(message) => panic!(
                "{what}: a request's task panicked with this message:\n  {message}\n{}",
                explain(&message)
            ),
        }
    }
}

#[test]
fn many_checkouts_at_once_on_a_current_thread_runtime() {
    many_checkouts(current_thread(), "current-thread", 20);
}

#[test]
fn many_checkouts_at_once_on_a_multi_thread_runtime() {
    many_checkouts(multi_thread(2), "two-worker multi-thread", 8);
}

#[test]
fn other_tasks_keep_running_while_checkout_waits() {
    let outcome = run(current_thread(), || async {
        let prices = PriceList::start(SHOP);
        // A heartbeat task: one beat each time it gets the thread.
        let beats = Arc::new(AtomicUsize::new(0));
        let stop = Arc::new(AtomicBool::new(false));
        let heart = tokio::spawn({
            let (beats, stop) = (beats.clone(), stop.clone());
            async move {
                while !stop.load(SeqCst) {
                    beats.fetch_add(1, SeqCst);
                    tokio::task::yield_now().await;
                }
            }
        });
        tokio::task::yield_now().await;
        let before = beats.load(SeqCst);
        let total = checkout(&prices, &["apple", "bread", "cheese", "dates"]).await;
        let during = beats.load(SeqCst) - before;
        stop.store(true, SeqCst);
        heart.await.unwrap();
        (total, during)
    });
    let what = "checkout of four SKUs next to a heartbeat task, on a current-thread runtime";
    let (total, during) = match outcome {
        Outcome::Finished(result) => result,
        Outcome::Panicked(message) => {
            panic!(
                "{what} panicked with this message:\n  {message}\n{}",
                explain(&message)
            )
        }
        Outcome::Stuck => panic!("{}", stuck(what)),
    };
    assert_eq!(total, Ok(40 + 250 + 480 + 320), "{what}: the total");
    assert!(
        during >= 4,
        "{what}: the heartbeat beat {during} times while checkout waited for four prices; it \
         should beat at least once per price. checkout holds on to the runtime's thread while \
         it waits, so no other request could run meanwhile."
    );
}

#[test]
fn the_nightly_report_still_totals_on_a_plain_thread() {
    let runtime = multi_thread(1);
    let prices = runtime.block_on(async { PriceList::start(SHOP) });
    let handle = runtime.handle().clone();
    let report = thread::spawn(move || total_blocking(&handle, &prices, &["cheese", "cheese"]));
    let (done, outcome) = mpsc::channel();
    thread::spawn(move || {
        let _ = done.send(report.join().map_err(|payload| message(&*payload)));
    });
    match outcome.recv_timeout(STUCK_AFTER) {
        Ok(Ok(total)) => assert_eq!(
            total,
            Ok(960),
            "total_blocking on a plain thread should total the basket"
        ),
        Ok(Err(message)) => panic!(
            "total_blocking, called from a plain thread (outside any runtime, as the nightly \
             report does), panicked: {message}"
        ),
        Err(_) => panic!(
            "total_blocking, called from a plain thread, did not finish within {STUCK_AFTER:?}"
        ),
    }
}
