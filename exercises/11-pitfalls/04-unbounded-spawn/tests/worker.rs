use std::future::Future;
use std::sync::atomic::{AtomicUsize, Ordering::SeqCst};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use tokio::runtime::Handle;
use tokio::time::{Instant, sleep};
use unbounded_spawn::{NotifyError, Report, notify_all};
use workbook_support::on_paused_tokio;

const LIMIT: Duration = Duration::from_secs(5);

/// What the tests see of the endpoints: how many notifications are in
/// flight (called and not finished), the most at once, the tasks alive
/// at each call, and who was notified.
#[derive(Default)]
struct Probe {
    in_flight: AtomicUsize,
    most_in_flight: AtomicUsize,
    most_tasks_alive: AtomicUsize,
    finished: AtomicUsize,
    called: Mutex<Vec<String>>,
}

/// Counts a notification out of flight when it finishes or is dropped.
struct InFlight(Arc<Probe>);

impl Drop for InFlight {
    fn drop(&mut self) {
        self.0.in_flight.fetch_sub(1, SeqCst);
    }
}

/// Endpoints that answer after `time_of(subscriber)` and fail for the
/// subscribers whose name starts with "down".
fn endpoints(
    probe: &Arc<Probe>,
    time_of: impl Fn(&str) -> Duration + Send + Sync + 'static,
) -> impl Fn(String) -> std::pin::Pin<Box<dyn Future<Output = Result<(), NotifyError>> + Send>>
+ Send
+ Sync
+ 'static {
    let probe = probe.clone();
    move |subscriber: String| {
        let alive = Handle::current().metrics().num_alive_tasks();
        probe.most_tasks_alive.fetch_max(alive, SeqCst);
        let now = probe.in_flight.fetch_add(1, SeqCst) + 1;
        probe.most_in_flight.fetch_max(now, SeqCst);
        probe.called.lock().unwrap().push(subscriber.clone());
        let guard = InFlight(probe.clone());
        let time = time_of(&subscriber);
        let probe = probe.clone();
        Box::pin(async move {
            sleep(time).await;
            drop(guard);
            probe.finished.fetch_add(1, SeqCst);
            if subscriber.starts_with("down") {
                Err(NotifyError(format!("{subscriber} is down")))
            } else {
                Ok(())
            }
        })
    }
}

fn names(prefix: &str, n: usize) -> Vec<String> {
    (0..n).map(|i| format!("{prefix}{i}")).collect()
}

#[test]
fn every_subscriber_is_notified_once_and_reported() {
    on_paused_tokio(LIMIT, || async {
        let probe = Arc::new(Probe::default());
        let mut subscribers = names("hook", 8);
        subscribers.extend(names("down", 2));
        let notify = endpoints(&probe, |_| Duration::from_millis(10));
        let mut report = notify_all(subscribers.clone(), 3, notify).await;
        report.failed.sort();
        assert_eq!(
            report,
            Report {
                delivered: 8,
                failed: vec!["down0".into(), "down1".into()]
            },
            "8 endpoints answer and 2 are down: the report must say so"
        );
        let mut called = probe.called.lock().unwrap().clone();
        called.sort();
        subscribers.sort();
        assert_eq!(called, subscribers, "each subscriber must be notified once");
    });
}

#[test]
fn no_more_than_max_in_flight_notifications_at_once() {
    on_paused_tokio(LIMIT, || async {
        let probe = Arc::new(Probe::default());
        let notify = endpoints(&probe, |_| Duration::from_millis(50));
        let start = Instant::now();
        let report = notify_all(names("hook", 100), 4, notify).await;
        assert_eq!(
            report.delivered, 100,
            "100 subscribers, all up, and the report counts {} delivered: every notification \
             must finish and be counted before notify_all returns",
            report.delivered
        );
        let most = probe.most_in_flight.load(SeqCst);
        assert!(
            most <= 4,
            "notify_all(100 subscribers, max_in_flight 4): up to {most} notifications were in \
             flight at once (called and not finished). At most 4 may be: the endpoints, the \
             connection pool and the worker's memory are sized for 4, and with a million \
             subscribers this would open a million connections. Wait for room before you \
             start the next notification."
        );
        assert_eq!(
            most, 4,
            "notify_all(100 subscribers, max_in_flight 4): at most {most} notifications were in \
             flight at once; it should use the 4 it may"
        );
        assert_eq!(
            start.elapsed(),
            Duration::from_millis(25 * 50),
            "100 notifications of 50 ms, 4 at a time, take 25 rounds of 50 ms"
        );
    });
}

#[test]
fn notifications_waiting_their_turn_are_not_spawned_ahead() {
    on_paused_tokio(LIMIT, || async {
        let probe = Arc::new(Probe::default());
        let notify = endpoints(&probe, |_| Duration::from_millis(50));
        notify_all(names("hook", 100), 4, notify).await;
        let most = probe.most_tasks_alive.load(SeqCst);
        let limited = if probe.most_in_flight.load(SeqCst) <= 4 {
            "The notifications in flight were limited, but"
        } else {
            "Besides the notifications in flight,"
        };
        assert!(
            most <= 5,
            "notify_all(100 subscribers, max_in_flight 4): the runtime had up to {most} tasks \
             alive at once. {limited} a task was created for every subscriber in advance, each \
             waiting for its turn: with a million subscribers, a million tasks. Wait for room \
             before you spawn, not inside the spawned task."
        );
    });
}

#[test]
fn a_slow_endpoint_holds_back_no_one() {
    on_paused_tokio(LIMIT, || async {
        let probe = Arc::new(Probe::default());
        let mut subscribers = vec!["slow".to_owned()];
        subscribers.extend(names("hook", 20));
        let notify = endpoints(&probe, |name| {
            if name == "slow" {
                Duration::from_millis(1000)
            } else {
                Duration::from_millis(10)
            }
        });
        let start = Instant::now();
        let report = notify_all(subscribers, 2, notify).await;
        assert_eq!(
            report.delivered, 21,
            "21 subscribers, all up, and the report counts {} delivered: every notification \
             must finish and be counted before notify_all returns",
            report.delivered
        );
        let took = start.elapsed();
        assert!(
            took == Duration::from_millis(1000),
            "notify_all(a slow endpoint of 1000 ms, then 20 of 10 ms; max_in_flight 2) took \
             {took:?} of the runtime's clock; it should take 1000 ms: while the slow one holds \
             one slot, the 20 others go through the other slot one after another (200 ms). A \
             slot must be reused as soon as its notification finishes: working in batches \
             makes each batch wait for its slowest, and one at a time uses one slot."
        );
    });
}

#[test]
fn it_returns_when_every_notification_has_finished() {
    on_paused_tokio(LIMIT, || async {
        let probe = Arc::new(Probe::default());
        let notify = endpoints(&probe, |name| {
            let n: u64 = name.trim_start_matches("hook").parse().unwrap();
            Duration::from_millis(10 + 7 * n)
        });
        let report = notify_all(names("hook", 12), 3, notify).await;
        let finished = probe.finished.load(SeqCst);
        assert_eq!(
            finished, 12,
            "when notify_all returned, {finished} of the 12 notifications had finished; it must \
             wait for all of them (the caller goes on to mark the event delivered)"
        );
        assert_eq!(report.delivered, 12, "12 subscribers, all up");
    });
}
