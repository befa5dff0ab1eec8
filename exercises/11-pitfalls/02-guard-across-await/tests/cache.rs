use std::pin::Pin;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering::SeqCst};
use std::time::Duration;

use guard_across_await::Cache;
use tokio::task::JoinSet;
use tokio::time::{sleep, timeout};
use workbook_support::on_paused_tokio;

const LIMIT: Duration = Duration::from_secs(5);
const LOAD_TIME: Duration = Duration::from_millis(100);

/// What the tests' backend returns: a boxed future, so the cache's type
/// can be named.
type Load = Pin<Box<dyn Future<Output = String> + Send>>;
type Loader = Box<dyn Fn(String) -> Load + Send + Sync>;

/// A cache whose backend takes `LOAD_TIME` and answers `"value of KEY"`;
/// returns it with the number of loads so far.
fn counted_cache() -> (Arc<Cache<Loader>>, Arc<AtomicUsize>) {
    let loads = Arc::new(AtomicUsize::new(0));
    let counter = loads.clone();
    let load: Loader = Box::new(move |key: String| {
        counter.fetch_add(1, SeqCst);
        Box::pin(async move {
            sleep(LOAD_TIME).await;
            format!("value of {key}")
        })
    });
    (Arc::new(Cache::new(load)), loads)
}

/// Awaits `future`, which should answer in much less than an hour of
/// (paused) time; fails naming a self-deadlock if it does not.
async fn answers<T>(what: &str, future: impl Future<Output = T>) -> T {
    match timeout(Duration::from_secs(3600), future).await {
        Ok(value) => value,
        Err(_) => panic!(
            "{what} did not answer: it waited an hour (of paused time) while every task of the \
             runtime was waiting too, so no task would ever release a lock: a deadlock. Most \
             likely a task is waiting for a lock it already holds: tokio's `Mutex` is not \
             re-entrant, and a task that locks it again (here, or in a method it calls) while \
             its own guard is alive waits for itself, for ever."
        ),
    }
}

#[test]
fn a_miss_loads_the_value_and_a_hit_returns_it_without_loading() {
    on_paused_tokio(LIMIT, || async {
        let (cache, loads) = counted_cache();
        let first = answers("the first `get(\"a\")` (a miss)", cache.get("a")).await;
        assert_eq!(
            first, "value of a",
            "a miss must answer what the backend loaded"
        );
        let second = answers("the second `get(\"a\")` (a hit)", cache.get("a")).await;
        assert_eq!(second, "value of a", "a hit must answer the cached value");
        assert_eq!(
            loads.load(SeqCst),
            1,
            "`get(\"a\")` twice should load \"a\" once and answer the second from the cache; \
             it loaded {} times: the loaded value was not kept",
            loads.load(SeqCst)
        );
        assert_eq!(answers("`len()`", cache.len()).await, 1, "one key cached");
    });
}

#[test]
fn many_tasks_asking_for_one_key_at_once_load_it_once() {
    on_paused_tokio(LIMIT, || async {
        let (cache, loads) = counted_cache();
        let mut requests = JoinSet::new();
        for _ in 0..5 {
            let cache = cache.clone();
            requests.spawn(async move { cache.get("a").await });
        }
        let mut answered = Vec::new();
        let all = async {
            while let Some(answer) = requests.join_next().await {
                answered.push(answer.expect("a `get` panicked"));
            }
        };
        answers("one of five concurrent `get(\"a\")`", all).await;
        assert_eq!(answered, ["value of a"; 5], "every request gets the value");
        assert_eq!(
            loads.load(SeqCst),
            1,
            "five tasks asked for \"a\" at the same time, and the backend was asked {} times; \
             it should be asked once, and the other tasks should wait for that load. A load \
             must not start while another task is loading the same key: between the look-up \
             that misses and the insert, no other task may look.",
            loads.load(SeqCst)
        );
    });
}

#[test]
fn an_inserted_value_is_answered_without_loading() {
    on_paused_tokio(LIMIT, || async {
        let (cache, loads) = counted_cache();
        answers("`insert(\"b\", ..)`", cache.insert("b", "fresh".into())).await;
        let value = answers("`get(\"b\")` after an insert", cache.get("b")).await;
        assert_eq!(value, "fresh", "get must answer the inserted value");
        assert_eq!(loads.load(SeqCst), 0, "an inserted key must not be loaded");
    });
}

#[test]
fn the_cache_is_free_again_after_a_miss() {
    on_paused_tokio(LIMIT, || async {
        let (cache, loads) = counted_cache();
        answers("`get(\"a\")`", cache.get("a")).await;
        answers(
            "`insert(\"b\", ..)` after a miss",
            cache.insert("b", "b".into()),
        )
        .await;
        answers("`get(\"c\")` after a miss", cache.get("c")).await;
        assert_eq!(
            answers("`len()`", cache.len()).await,
            3,
            "a, b and c are cached"
        );
        assert_eq!(loads.load(SeqCst), 2, "a and c were loaded, once each");
    });
}
