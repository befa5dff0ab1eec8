//! A worker that notifies the subscribers of a webhook: one call to each
//! subscriber's endpoint.
//!
//! Why this works: the notifications run as tasks in a `JoinSet`, which
//! never holds more than `max_in_flight` of them: before spawning the next
//! one, a full set waits with `join_next` for whichever task finishes
//! first, and counts its outcome. So at most `max_in_flight` notifications
//! are in flight and no task exists for a subscriber whose turn has not
//! come; the slot of a finished task is reused at once, so a slow endpoint
//! occupies one slot and the others keep moving. The final loop drains the
//! set, so `notify_all` returns only when every notification has finished.

use std::future::Future;
use std::sync::Arc;

use tokio::task::{JoinError, JoinSet};

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
    let notify = Arc::new(notify);
    let mut deliveries = JoinSet::new();
    let mut report = Report::default();
    for subscriber in subscribers {
        // Room first: a full set waits for its first task to finish.
        if deliveries.len() == max_in_flight {
            let finished = deliveries.join_next().await;
            tally(&mut report, finished.expect("the set is not empty"));
        }
        let notify = notify.clone();
        deliveries.spawn(async move {
            let outcome = notify(subscriber.clone()).await;
            (subscriber, outcome)
        });
    }
    while let Some(finished) = deliveries.join_next().await {
        tally(&mut report, finished);
    }
    report
}
// ANCHOR_END: notify_all

/// Counts one finished notification in the report.
fn tally(report: &mut Report, finished: Result<(String, Result<(), NotifyError>), JoinError>) {
    let (subscriber, outcome) = finished.expect("a notification panicked");
    match outcome {
        Ok(()) => report.delivered += 1,
        Err(_) => report.failed.push(subscriber),
    }
}
