use std::sync::atomic::{AtomicBool, Ordering::SeqCst};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use fail_fast::{Dashboard, LoadError, Request, load_dashboard};
use tokio::task::{self, Id};
use tokio::time::{Instant, sleep, timeout};
use workbook_support::on_paused_tokio;

const LIMIT: Duration = Duration::from_secs(5);

fn secs(n: u64) -> Duration {
    Duration::from_secs(n)
}

/// What a request leaves behind for the test: the task that polled it,
/// whether it ran to its end, and whether its future was dropped.
#[derive(Clone, Default)]
struct Probe {
    task: Arc<Mutex<Option<Id>>>,
    finished: Arc<AtomicBool>,
    dropped: Arc<AtomicBool>,
}

struct DropFlag(Arc<AtomicBool>);

impl Drop for DropFlag {
    fn drop(&mut self) {
        self.0.store(true, SeqCst);
    }
}

/// How a request ends.
enum Ends<T> {
    Ok(T),
    Fails(&'static str),
    Panics(&'static str),
}

impl Probe {
    /// A request that takes `wait`, then ends as `ends` says.
    fn request<T: Send + 'static>(&self, wait: Duration, ends: Ends<T>) -> Request<T> {
        let probe = self.clone();
        let flag = DropFlag(Arc::clone(&self.dropped));
        Box::pin(async move {
            let _flag = flag;
            *probe.task.lock().unwrap() = task::try_id();
            sleep(wait).await;
            probe.finished.store(true, SeqCst);
            match ends {
                Ends::Ok(value) => Ok(value),
                Ends::Fails(why) => Err(LoadError::Refused(why.to_owned())),
                Ends::Panics(message) => panic!("{message}"),
            }
        })
    }

    fn task(&self) -> Option<Id> {
        *self.task.lock().unwrap()
    }

    fn finished(&self) -> bool {
        self.finished.load(SeqCst)
    }

    fn dropped(&self) -> bool {
        self.dropped.load(SeqCst)
    }
}

/// What a call to `load_dashboard` gave, how long it took, and the id of
/// the task it ran in.
struct Call {
    result: Result<Dashboard, LoadError>,
    took: Duration,
    caller: Id,
}

/// Runs `load_dashboard` in a task of its own, so that a panic comes back
/// as a failure that says what happened.
async fn call(profile: Request<String>, orders: Request<Vec<u32>>) -> Call {
    let started = Instant::now();
    let caller = tokio::spawn(async move { (load_dashboard(profile, orders).await, task::id()) });
    match timeout(Duration::from_secs(3600), caller).await {
        Ok(Ok((result, caller))) => Call {
            result,
            took: started.elapsed(),
            caller,
        },
        Ok(Err(error)) if error.is_panic() => {
            let payload = error.into_panic();
            let message = payload
                .downcast_ref::<String>()
                .map(String::as_str)
                .or_else(|| payload.downcast_ref::<&str>().copied())
                .unwrap_or("(not a text)");
            panic!(
                "load_dashboard panicked: {message}\nIt must never panic: a request that crashed \
                 is an error, LoadError::Crashed. (A request polled inside load_dashboard's own \
                 task panics right there; an `unwrap()` on what a request's task gave back \
                 passes its panic on.)"
            )
        }
        Ok(Err(error)) => panic!("load_dashboard did not finish: {error}"),
        Err(_) => panic!(
            "load_dashboard was still running an hour (of paused time) after it started, though \
             both requests take seconds: does it wait for something that never happens?"
        ),
    }
}

/// Lets the runtime get to the tasks that are waiting to run: an aborted
/// task's future is dropped then. A millisecond is far shorter than any
/// request here.
async fn a_moment() {
    sleep(Duration::from_millis(1)).await;
}

#[test]
fn loads_the_dashboard_when_both_succeed() {
    on_paused_tokio(LIMIT, || async {
        let (p, o) = (Probe::default(), Probe::default());
        let done = call(
            p.request(secs(2), Ends::Ok("ada".to_owned())),
            o.request(secs(3), Ends::Ok(vec![7, 8])),
        )
        .await;
        assert_eq!(
            done.result,
            Ok(Dashboard {
                profile: "ada".to_owned(),
                orders: vec![7, 8]
            }),
            "both requests succeeded"
        );
        assert_eq!(
            done.took,
            secs(3),
            "the requests take 2 s and 3 s: at the same time, that is 3 s in all; \
             load_dashboard took {:?}",
            done.took
        );
    });
}

#[test]
fn runs_each_request_in_a_task_of_its_own() {
    on_paused_tokio(LIMIT, || async {
        let (p, o) = (Probe::default(), Probe::default());
        let done = call(
            p.request(secs(1), Ends::Ok("ada".to_owned())),
            o.request(secs(1), Ends::Ok(vec![])),
        )
        .await;
        assert!(
            done.result.is_ok(),
            "both requests succeeded: {:?}",
            done.result
        );
        let (profile, orders) = (p.task(), o.task());
        assert!(
            profile.is_some() && orders.is_some(),
            "the requests must run as tokio tasks"
        );
        assert!(
            profile != Some(done.caller) && orders != Some(done.caller),
            "the requests ran inside the task of load_dashboard itself: the contract says each \
             runs in a task of its own, so that a multi-thread runtime can run them on two \
             threads"
        );
        assert_ne!(
            profile, orders,
            "the two requests ran in one task, not one task each"
        );
    });
}

#[test]
fn returns_the_first_error_without_waiting_for_the_other_request() {
    on_paused_tokio(LIMIT, || async {
        let (p, o) = (Probe::default(), Probe::default());
        let done = call(
            p.request(secs(1), Ends::Fails("no such user")),
            o.request(secs(10), Ends::Ok(vec![1])),
        )
        .await;
        assert_eq!(
            done.result,
            Err(LoadError::Refused("no such user".to_owned())),
            "the profile request failed, so load_dashboard must return its error"
        );
        assert_eq!(
            done.took,
            secs(1),
            "the profile request failed after 1 s: load_dashboard must return then, without \
             waiting for the orders (10 s); it took {:?}. Waiting for every branch, then \
             looking for an error, is a join, not a try-join",
            done.took
        );
    });
}

#[test]
fn the_slow_request_is_stopped_when_the_other_fails() {
    on_paused_tokio(LIMIT, || async {
        for profile_fails in [true, false] {
            let (p, o) = (Probe::default(), Probe::default());
            let slow = if profile_fails { &o } else { &p };
            let (failing_name, slow_name) = if profile_fails {
                ("profile", "orders")
            } else {
                ("orders", "profile")
            };
            let profile = if profile_fails {
                p.request(secs(1), Ends::Fails("down"))
            } else {
                p.request(secs(10), Ends::Ok("ada".to_owned()))
            };
            let orders = if profile_fails {
                o.request(secs(10), Ends::Ok(vec![1]))
            } else {
                o.request(secs(1), Ends::Fails("down"))
            };
            let done = call(profile, orders).await;
            assert_eq!(
                done.result,
                Err(LoadError::Refused("down".to_owned())),
                "the {failing_name} request failed"
            );
            assert_eq!(
                done.took,
                secs(1),
                "the {failing_name} request failed after 1 s, and load_dashboard returned after \
                 {:?}: it must return at the first failure, whichever request it comes from (are \
                 the requests awaited one after the other?)",
                done.took
            );
            a_moment().await;
            assert!(
                slow.dropped(),
                "load_dashboard returned the {failing_name} request's error, and a moment later \
                 the {slow_name} request (10 s) was still running: its task was left behind. \
                 Dropping a JoinHandle does not stop its task, it detaches it; the task must be \
                 aborted when the caller is done with it"
            );
            sleep(secs(20)).await;
            assert!(
                !slow.finished(),
                "the {slow_name} request ran to its end 10 s after load_dashboard had returned \
                 an error: work done for nobody"
            );
        }
    });
}

#[test]
fn the_first_failure_wins() {
    on_paused_tokio(LIMIT, || async {
        let (p, o) = (Probe::default(), Probe::default());
        let done = call(
            p.request(secs(3), Ends::Fails("late")),
            o.request(secs(1), Ends::Fails("early")),
        )
        .await;
        assert_eq!(
            done.result,
            Err(LoadError::Refused("early".to_owned())),
            "the orders request failed first (after 1 s), so its error is the one to return, \
             not the profile's (after 3 s): are the requests awaited one after the other?"
        );
        assert_eq!(
            done.took,
            secs(1),
            "load_dashboard must return at the first failure"
        );
    });
}

#[test]
fn a_crashed_request_is_an_error_and_stops_the_other() {
    on_paused_tokio(LIMIT, || async {
        let (p, o) = (Probe::default(), Probe::default());
        let done = call(
            p.request(
                secs(1),
                Ends::Panics("the profile request crashes on purpose"),
            ),
            o.request(secs(10), Ends::Ok(vec![1])),
        )
        .await;
        assert!(
            done.result.is_err(),
            "the profile request panicked, and load_dashboard returned {:?}: a crash turned \
             into a success",
            done.result
        );
        assert_eq!(
            done.result,
            Err(LoadError::Crashed),
            "a request whose task panicked must fail with LoadError::Crashed"
        );
        assert_eq!(
            done.took,
            secs(1),
            "load_dashboard must return at the crash"
        );
        a_moment().await;
        assert!(
            o.dropped(),
            "the profile request crashed, and a moment after load_dashboard returned the orders \
             request was still running: it must be stopped too"
        );
    });
}

#[test]
fn dropping_the_call_stops_both_requests() {
    on_paused_tokio(LIMIT, || async {
        let (p, o) = (Probe::default(), Probe::default());
        let call = load_dashboard(
            p.request(secs(10), Ends::Ok("ada".to_owned())),
            o.request(secs(10), Ends::Ok(vec![1])),
        );
        let gave_up = timeout(secs(2), call).await;
        assert!(
            gave_up.is_err(),
            "load_dashboard finished within 2 s, though both requests take 10 s"
        );
        a_moment().await;
        assert!(
            p.dropped() && o.dropped(),
            "the caller gave up on load_dashboard after 2 s (its future was dropped), and a \
             moment later a request was still running (profile stopped: {}, orders stopped: {}). \
             Whatever holds the tasks inside load_dashboard's future must stop them when it is \
             dropped",
            p.dropped(),
            o.dropped()
        );
        sleep(secs(20)).await;
        assert!(
            !p.finished() && !o.finished(),
            "a request ran to its end after the caller had given up on load_dashboard"
        );
    });
}
