//! A worker that notifies the subscribers of a webhook: one call to each
//! subscriber's endpoint.

use std::future::Future;
use std::sync::Arc;

/// Why a notification failed (the endpoint was down, say).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NotifyError(pub String);

/// What `notify_all` did.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Report {
    /// How many subscribers were notified.
    pub delivered: usize,
    /// The subscribers whose notification failed, in any order.
    pub failed: Vec<String>,
}

// ANCHOR: notify_all
/// Notifies every subscriber with `notify(subscriber)`, each once, and
/// reports what happened. Call it inside a tokio runtime.
///
/// - At most `max_in_flight` notifications (`max_in_flight >= 1`) are in
///   flight at any moment: called and not finished. An endpoint, a
///   connection pool and the memory of the worker can take that many,
///   whatever the number of subscribers.
/// - Nothing is made in advance for the notifications that wait their
///   turn: the tasks alive at any moment are about `max_in_flight`, not
///   one per subscriber.
/// - A slot is reused as soon as its notification finishes, so one slow
///   endpoint does not hold back the others.
/// - It returns when every notification has finished.
pub async fn notify_all<F, Fut>(subscribers: Vec<String>, max_in_flight: usize, notify: F) -> Report
where
    F: Fn(String) -> Fut + Send + Sync + 'static,
    Fut: Future<Output = Result<(), NotifyError>> + Send + 'static,
{
    assert!(max_in_flight >= 1, "max_in_flight must be at least 1");
    // TODO: this starts every notification at once, however many there are.
    let notify = Arc::new(notify);
    let mut deliveries = Vec::new();
    for subscriber in subscribers {
        let notify = notify.clone();
        deliveries.push(tokio::spawn(async move {
            let outcome = notify(subscriber.clone()).await;
            (subscriber, outcome)
        }));
    }
    let mut report = Report::default();
    for delivery in deliveries {
        let (subscriber, outcome) = delivery.await.expect("a notification panicked");
        match outcome {
            Ok(()) => report.delivered += 1,
            Err(_) => report.failed.push(subscriber),
        }
    }
    report
}
// ANCHOR_END: notify_all
