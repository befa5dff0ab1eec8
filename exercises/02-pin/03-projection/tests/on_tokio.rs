// A separate test binary: if `Map` moves the pinned future, tokio's timer
// keeps pointing at the old address of the `Sleep` inside it, and the
// process may crash (SIGSEGV) instead of failing one test. The tests in
// `map.rs` run first and name the problem ("AssertUnmoved moved ...").

use std::time::Duration;

use projection::map;
use workbook_support::on_paused_tokio;

const LIMIT: Duration = Duration::from_secs(5);

// On a real runtime, with a timer inside the async block. Paused time makes
// the timeout fire as soon as the runtime has nothing to do.
#[test]
fn runs_on_tokio() {
    let output = on_paused_tokio(LIMIT, || async {
        let slow = async {
            tokio::time::sleep(Duration::from_millis(30)).await;
            "done"
        };
        tokio::time::timeout(Duration::from_secs(10), map(slow, str::len)).await
    });
    let output = output.expect("the Map never finished: was the inner future polled again?");
    assert_eq!(
        output, 4,
        "map(async {{ ...; \"done\" }}, str::len) should give 4"
    );
}
