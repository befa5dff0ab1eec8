use std::time::Duration;

use rwlock_cache::{Cache, Source};
use tokio::task::JoinHandle;
use tokio::time::{Instant, sleep, timeout};
use workbook_support::on_paused_tokio;

const LIMIT: Duration = Duration::from_secs(5);
const FETCH: Duration = Duration::from_secs(1);

/// Fails to compile when `get`'s future is not `Send`: the compiler then
/// points here. The usual cause is a `std::sync` guard still alive across
/// the `.await` of the fetch.
fn get_future_must_be_send<F: Future + Send>(future: F) -> F {
    future
}

/// Awaits `cache.get(key)`, and says how long it took (of paused time).
async fn timed_get(cache: &Cache, key: &str, what: &str) -> (String, Duration) {
    let start = Instant::now();
    match timeout(Duration::from_secs(3600), cache.get(key)).await {
        Ok(value) => (value, start.elapsed()),
        Err(_) => panic!(
            "{what}: get({key:?}) had not returned an hour (of paused time) later, though a \
             fetch takes {FETCH:?}. Likely cause: a deadlock. A task that still holds a read \
             guard and asks for the write lock of the same `RwLock` waits for every reader to \
             leave, itself included: it waits forever. Let the read guard go (end its scope) \
             before the fetch, and take the write lock only after it."
        ),
    }
}

/// Starts `cache.get(key)` in a task of its own.
fn spawn_get(cache: &Cache, key: &'static str) -> JoinHandle<(String, Duration)> {
    let cache = cache.clone();
    tokio::spawn(get_future_must_be_send(async move {
        let start = Instant::now();
        let value = cache.get(key).await;
        (value, start.elapsed())
    }))
}

/// Awaits a task started by [`spawn_get`].
async fn joined(task: JoinHandle<(String, Duration)>, what: &str) -> (String, Duration) {
    match timeout(Duration::from_secs(3600), task).await {
        Ok(Ok(result)) => result,
        Ok(Err(error)) => panic!("{what}: the task failed: {error}"),
        Err(_) => panic!(
            "{what}: it had not returned an hour (of paused time) later, though a fetch takes \
             {FETCH:?}. Likely cause: a deadlock between a read guard and the write lock of \
             the same `RwLock`."
        ),
    }
}

#[test]
fn fetches_a_key_once_then_reads_the_cache() {
    on_paused_tokio(LIMIT, || async {
        let source = Source::new(FETCH);
        let cache = Cache::new(source.clone());
        let (value, took) = timed_get(&cache, "a", "on an empty cache").await;
        assert_eq!(value, "value of a", "get(\"a\") returns the source's value");
        assert_eq!(
            took, FETCH,
            "get(\"a\") on an empty cache fetches once, which takes {FETCH:?}"
        );
        let (value, took) = timed_get(&cache, "a", "with \"a\" cached").await;
        assert_eq!(
            value, "value of a",
            "the second get(\"a\") returns the same value"
        );
        assert_eq!(
            (source.fetched(), took),
            (vec!["a".to_owned()], Duration::ZERO),
            "the second get(\"a\") must return the cached value at once, without fetching \
             again: keep what was fetched"
        );
    });
}

#[test]
fn clones_share_the_cached_values() {
    on_paused_tokio(LIMIT, || async {
        let source = Source::new(FETCH);
        let cache = Cache::new(source.clone());
        timed_get(&cache, "a", "on an empty cache").await;
        let (value, took) = timed_get(&cache.clone(), "a", "on a clone").await;
        assert_eq!(value, "value of a", "a clone returns the same value");
        assert_eq!(
            (source.fetched().len(), took),
            (1, Duration::ZERO),
            "a clone of the cache must see the values cached through the original: share them \
             (behind an `Arc`)"
        );
    });
}

#[test]
fn readers_do_not_wait_for_a_fetch_of_another_key() {
    on_paused_tokio(LIMIT, || async {
        let source = Source::new(FETCH);
        let cache = Cache::new(source.clone());
        timed_get(&cache, "b", "on an empty cache").await;
        let slow = spawn_get(&cache, "a");
        sleep(Duration::from_millis(100)).await; // "a" is being fetched now
        let (value, took) = timed_get(&cache, "b", "while \"a\" is fetched").await;
        assert_eq!(value, "value of b", "get(\"b\") returns the cached value");
        assert_eq!(
            took,
            Duration::ZERO,
            "get(\"b\") of a cached key, started while get(\"a\") was fetching from the source, \
             took {took:?} (of paused time) instead of returning at once: it stalled behind \
             the fetch. Likely cause: the write lock (or a mutex) is held while the fetch is \
             awaited, so every reader waits for the slow source too. Fetch with no lock held; \
             lock only to look up, and to insert what was fetched."
        );
        let (value, took) = joined(slow, "get(\"a\")").await;
        assert_eq!(value, "value of a", "get(\"a\") returns the source's value");
        assert_eq!(took, FETCH, "get(\"a\") takes one fetch, {FETCH:?}");
    });
}

#[test]
fn fetches_of_different_keys_run_at_the_same_time() {
    on_paused_tokio(LIMIT, || async {
        let source = Source::new(FETCH);
        let cache = Cache::new(source.clone());
        let start = Instant::now();
        let tasks = [
            spawn_get(&cache, "a"),
            spawn_get(&cache, "b"),
            spawn_get(&cache, "c"),
        ];
        for (task, key) in tasks.into_iter().zip(["a", "b", "c"]) {
            let (value, _) = joined(task, &format!("get({key:?})")).await;
            assert_eq!(value, format!("value of {key}"), "get({key:?})");
        }
        let took = start.elapsed();
        assert_eq!(
            took, FETCH,
            "three gets of three keys missing from the cache, started together, should fetch \
             at the same time and all be done after one fetch, {FETCH:?}; they took {took:?}: \
             the fetches ran one after the other. Likely cause: a lock is held across the \
             fetch, so each miss waits for the one before it."
        );
    });
}

#[test]
fn a_fetch_holds_no_lock_while_it_waits() {
    on_paused_tokio(LIMIT, || async {
        let source = Source::new(FETCH);
        let cache = Cache::new(source.clone());
        timed_get(&cache, "b", "on an empty cache").await;
        let a = spawn_get(&cache, "a"); // fetches from 0 s to 1 s
        sleep(Duration::from_millis(500)).await;
        let c = spawn_get(&cache, "c"); // fetches from 0.5 s to 1.5 s
        sleep(Duration::from_millis(700)).await;
        let (_, took_b) = timed_get(&cache, "b", "at 1.2 s").await;
        let (_, took_a) = joined(a, "get(\"a\")").await;
        let (_, took_c) = joined(c, "get(\"c\")").await;
        let cause = if took_c > FETCH {
            "c's fetch could not start before a's had ended: a lock (the write lock, or a \
             mutex) is held across the fetch, so every other get waits for the slow source"
        } else {
            "a read guard kept while fetching. Then a's write lock waits until c's fetch ends \
             (c holds a read guard meanwhile), and, since a waiting writer goes before the \
             readers that come after it in tokio's fair `RwLock`, b waits behind it"
        };
        assert_eq!(
            (took_a, took_b, took_c),
            (FETCH, Duration::ZERO, FETCH),
            "get(\"a\") from 0 s and get(\"c\") from 0.5 s each fetch for {FETCH:?}, and \
             get(\"b\") of a cached key at 1.2 s should return at once. They took: a {took_a:?}, \
             b {took_b:?}, c {took_c:?} (of paused time). Likely cause: {cause}. Hold no guard \
             across the fetch.",
        );
    });
}

#[test]
fn gets_of_one_key_at_once_all_return_its_value() {
    on_paused_tokio(LIMIT, || async {
        let source = Source::new(FETCH);
        let cache = Cache::new(source.clone());
        let first = spawn_get(&cache, "a");
        sleep(Duration::from_millis(300)).await;
        let second = spawn_get(&cache, "a");
        for (n, task) in [first, second].into_iter().enumerate() {
            let (value, _) = joined(task, &format!("get(\"a\") number {}", n + 1)).await;
            assert_eq!(value, "value of a", "every get(\"a\") returns its value");
        }
        let (value, took) = timed_get(&cache, "a", "after both").await;
        assert_eq!(value, "value of a", "the cached value");
        assert_eq!(took, Duration::ZERO, "after the fetches, \"a\" is cached");
        let fetched = source.fetched().len();
        assert!(
            fetched <= 2,
            "two gets of \"a\" fetched {fetched} times: each get may fetch at most once"
        );
    });
}
