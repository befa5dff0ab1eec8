use std::io::ErrorKind;
use std::sync::Arc;
use std::time::Duration;

use question_mark::{BumpError, Store};
use tokio::time::timeout;
use workbook_support::on_paused_tokio;

const LIMIT: Duration = Duration::from_secs(5);

/// Runs `bump_all(store, keys)` in a task of its own, so that a panic
/// comes back as a failure that says what happened.
async fn bump_all(store: &Arc<Store>, keys: &[&'static str]) -> Result<Vec<u64>, BumpError> {
    let task = {
        let store = Arc::clone(store);
        let keys = keys.to_vec();
        tokio::spawn(async move { question_mark::bump_all(&store, &keys).await })
    };
    finished(task, &format!("bump_all(.., {keys:?})")).await
}

/// Runs `bump(store, key)` in a task of its own, like `bump_all` above.
async fn bump(store: &Arc<Store>, key: &'static str) -> Result<u64, BumpError> {
    let task = {
        let store = Arc::clone(store);
        tokio::spawn(async move { question_mark::bump(&store, key).await })
    };
    finished(task, &format!("bump(.., {key:?})")).await
}

async fn finished<T>(task: tokio::task::JoinHandle<T>, call: &str) -> T {
    match timeout(Duration::from_secs(3600), task).await {
        Ok(Ok(output)) => output,
        Ok(Err(error)) if error.is_panic() => {
            let payload = error.into_panic();
            let message = payload
                .downcast_ref::<String>()
                .map(String::as_str)
                .or_else(|| payload.downcast_ref::<&str>().copied())
                .unwrap_or("(not a text)");
            panic!(
                "{call} panicked: {message}\nThe contract says it never panics: every failure is \
                 an `Err` the caller can handle. (An `unwrap()`, or a `+ 1` that overflows?)"
            )
        }
        Ok(Err(error)) => panic!("{call} did not finish: {error}"),
        Err(_) => panic!(
            "{call} was still running after an hour (of paused time): it waits for something \
             that never happens"
        ),
    }
}

#[test]
fn bumps_a_counter_and_writes_it_back() {
    on_paused_tokio(LIMIT, || async {
        let store = Arc::new(Store::with([("hits", "41")]));
        let next = bump(&store, "hits").await;
        assert!(
            matches!(next, Ok(42)),
            "bump of a counter at 41 must return Ok(42), it returned {next:?}"
        );
        assert_eq!(
            store.get("hits").as_deref(),
            Some("42"),
            "bump must write the new value back to the store"
        );
    });
}

#[test]
fn a_missing_counter_starts_from_zero() {
    on_paused_tokio(LIMIT, || async {
        let store = Arc::new(Store::new());
        let first = bump(&store, "visits").await;
        assert!(
            matches!(first, Ok(1)),
            "the first bump of a key that was never set must return Ok(1) (a read that fails \
             with NotFound means the counter is at 0, it is not a failure); it returned {first:?}"
        );
        let second = bump(&store, "visits").await;
        assert!(
            matches!(second, Ok(2)),
            "the second bump must return Ok(2), it returned {second:?}"
        );
    });
}

#[test]
fn a_failed_read_is_returned_not_taken_for_zero() {
    on_paused_tokio(LIMIT, || async {
        let store = Arc::new(Store::with([("hits", "41")]));
        store.fail_reads_of("hits", ErrorKind::PermissionDenied);
        match bump(&store, "hits").await {
            Err(BumpError::Store(error)) => assert_eq!(
                error.kind(),
                ErrorKind::PermissionDenied,
                "the Store error must carry the read's own io::Error"
            ),
            Ok(value) => panic!(
                "reading the counter failed with PermissionDenied, and bump returned Ok({value}): \
                 the error was swallowed. Only NotFound means \"no counter yet\"; look for an \
                 `unwrap_or`, a `.ok()` or a match arm that takes every read error for a \
                 missing key"
            ),
            Err(other) => panic!(
                "reading the counter failed with PermissionDenied; bump must return \
                 Err(BumpError::Store(that error)), it returned Err({other:?})"
            ),
        }
        assert!(
            store.writes().is_empty(),
            "after a failed read nothing may be written, but bump wrote {:?}",
            store.writes()
        );
    });
}

#[test]
fn a_failed_write_is_returned() {
    on_paused_tokio(LIMIT, || async {
        let store = Arc::new(Store::with([("hits", "41")]));
        store.fail_writes_of("hits", ErrorKind::StorageFull);
        match bump(&store, "hits").await {
            Err(BumpError::Store(error)) => assert_eq!(
                error.kind(),
                ErrorKind::StorageFull,
                "the Store error must carry the write's own io::Error"
            ),
            Ok(value) => panic!(
                "writing the new value failed with StorageFull, and bump returned Ok({value}): \
                 the caller believes a count that was never saved. The write's result was \
                 dropped (a `let _ =`, or no `?` after it?)"
            ),
            Err(other) => panic!(
                "writing failed with StorageFull; bump must return \
                 Err(BumpError::Store(that error)), it returned Err({other:?})"
            ),
        }
        assert_eq!(
            store.get("hits").as_deref(),
            Some("41"),
            "the counter must be unchanged after a failed write"
        );
    });
}

#[test]
fn a_value_that_is_not_a_number_is_reported() {
    on_paused_tokio(LIMIT, || async {
        let store = Arc::new(Store::with([("hits", "many")]));
        let result = bump(&store, "hits").await;
        assert!(
            matches!(result, Err(BumpError::NotANumber(_))),
            "a counter holding \"many\" must give Err(BumpError::NotANumber(..)), bump \
             returned {result:?}"
        );
        assert!(
            store.writes().is_empty(),
            "nothing may be written when the value is not a number, but bump wrote {:?}",
            store.writes()
        );
    });
}

#[test]
fn a_counter_at_the_maximum_is_full() {
    on_paused_tokio(LIMIT, || async {
        let max = u64::MAX.to_string();
        let store = Arc::new(Store::with([("hits", max.as_str())]));
        let result = bump(&store, "hits").await;
        assert!(
            matches!(result, Err(BumpError::Full)),
            "a counter at u64::MAX must give Err(BumpError::Full), bump returned {result:?} \
             (a counter that wraps to 0 has lost every count)"
        );
        assert_eq!(
            store.get("hits"),
            Some(max),
            "a full counter must stay as it is"
        );
    });
}

#[test]
fn bump_all_bumps_each_key_in_order() {
    on_paused_tokio(LIMIT, || async {
        let store = Arc::new(Store::with([("b", "9")]));
        let values = bump_all(&store, &["a", "b", "a"]).await;
        assert!(
            matches!(values.as_deref(), Ok([1, 10, 2])),
            "bump_all([\"a\", \"b\", \"a\"]) with b at 9 must return Ok([1, 10, 2]), it \
             returned {values:?}"
        );
    });
}

#[test]
fn bump_all_stops_at_the_first_failure() {
    on_paused_tokio(LIMIT, || async {
        let store = Arc::new(Store::with([("bad", "x")]));
        let result = bump_all(&store, &["a", "bad", "c"]).await;
        assert!(
            matches!(result, Err(BumpError::NotANumber(_))),
            "bump_all([\"a\", \"bad\", \"c\"]) where \"bad\" holds \"x\" must return the error \
             of \"bad\", Err(NotANumber(..)); it returned {result:?}"
        );
        let written: Vec<_> = store.writes().into_iter().map(|(key, _)| key).collect();
        assert_eq!(
            written,
            ["a"],
            "bump_all must stop at the first failure: \"a\" is bumped, \"bad\" fails, and \"c\" \
             is never touched (the keys written were {written:?})"
        );
    });
}
