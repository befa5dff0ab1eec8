//! Retrying an operation that can fail or hang: a timeout on each
//! attempt, and a wait that grows after each failure.
//!
//! The challenge: write `retry` from its contract. The tests say what went
//! wrong; the pages of the Composing futures chapter have what you need.

use std::future::Future;
use std::time::Duration;

// ANCHOR: contract
/// How to retry.
#[derive(Clone, Copy, Debug)]
pub struct Policy {
    /// How many attempts in all, the first one included (at least 1).
    pub attempts: u32,
    /// How long one attempt may take, counted from its own start.
    pub timeout: Duration,
    /// The wait after the first failed attempt. Each wait after that is
    /// twice the one before...
    pub first_backoff: Duration,
    /// ...but never longer than this.
    pub max_backoff: Duration,
}

/// Why an attempt failed.
#[derive(Debug, PartialEq, Eq)]
pub enum Failure<E> {
    /// It had not finished when its `timeout` was up.
    TimedOut,
    /// It returned this error.
    Error(E),
}

/// Calls `attempt` and awaits the future it returns, again and again,
/// until one succeeds or `policy.attempts` have failed. Call it inside a
/// tokio runtime.
///
/// - One attempt at a time. The first `Ok` is returned at once.
/// - An attempt that has not finished `policy.timeout` after it started
///   is dropped then (cancelled), and counts as failed with
///   `Failure::TimedOut`; each attempt gets the whole `timeout`.
/// - After the n-th failure (n = 1, 2, ...), if attempts are left, waits
///   `first_backoff * 2^(n - 1)`, but at most `max_backoff`, before the
///   next attempt; however many attempts, computing the wait never
///   overflows.
/// - No wait before the first attempt, and none after the last: when the
///   last attempt has failed, returns its failure at once.
pub async fn retry<F, Fut, T, E>(policy: Policy, attempt: F) -> Result<T, Failure<E>>
where
    F: FnMut() -> Fut,
    Fut: Future<Output = Result<T, E>>,
{
    // TODO
    let _ = (policy, attempt);
    todo!("retry is not written yet")
}
// ANCHOR_END: contract
