//! Retrying an operation that can fail or hang: a timeout on each
//! attempt, and a wait that grows after each failure.
//!
//! Why this works: each turn of the loop makes a new attempt and wraps it
//! in its own `tokio::time::timeout`, whose deadline is fixed when
//! `timeout` is called, at the start of that attempt: every attempt gets
//! the whole `timeout`, and one that is still running then is dropped
//! with the `Timeout` future, which cancels it before the next one is
//! made. A failure is returned at once when it was the last attempt, so
//! nothing waits after it; otherwise the loop sleeps for the current wait,
//! then doubles it with `saturating_mul` and caps it with `min`, so it
//! grows `first, 2 first, 4 first, ...` up to `max_backoff` and never
//! overflows, however many attempts there are.

use std::future::Future;
use std::time::Duration;

use tokio::time::{sleep, timeout};

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
pub async fn retry<F, Fut, T, E>(policy: Policy, mut attempt: F) -> Result<T, Failure<E>>
where
    F: FnMut() -> Fut,
    Fut: Future<Output = Result<T, E>>,
{
    let mut wait = policy.first_backoff.min(policy.max_backoff);
    let mut made = 0;
    loop {
        made += 1;
        let failure = match timeout(policy.timeout, attempt()).await {
            Ok(Ok(value)) => return Ok(value),
            Ok(Err(error)) => Failure::Error(error),
            Err(_elapsed) => Failure::TimedOut,
        };
        if made >= policy.attempts {
            return Err(failure); // the last one: no wait after it
        }
        sleep(wait).await;
        wait = wait.saturating_mul(2).min(policy.max_backoff);
    }
}
