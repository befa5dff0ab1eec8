//! A race that the first success wins, and that failures do not end.
//!
//! Why this works: collecting the attempts into a `FuturesUnordered`
//! puts them all in one future that polls each of them when it is woken,
//! so they run at the same time, and `next()` hands out each result the
//! moment its attempt finishes, in the order they finish. An error is
//! kept and the race goes on; the first `Ok` returns at once, and
//! returning drops the set, and with it every attempt still running, so
//! they are cancelled before the caller sees the value. When the set is
//! empty, `next()` gives `None`: every attempt has failed (or there were
//! none), and the errors are already in the order they happened.

use std::future::Future;

use futures::stream::{FuturesUnordered, StreamExt};

/// Runs every attempt at the same time, in the caller's task, and returns
/// the value of the first one to succeed.
///
/// - The first `Ok` to arrive wins, as soon as it arrives. The attempts
///   still running are dropped (cancelled) before `first_ok` returns.
/// - A failed attempt does not end the race while others still run.
/// - If every attempt fails, the result is `Err` with every error, in the
///   order the attempts failed, as soon as the last one has failed.
/// - No attempts: `Err` of an empty `Vec`, at once.
pub async fn first_ok<I, F, T, E>(attempts: I) -> Result<T, Vec<E>>
where
    I: IntoIterator<Item = F>,
    F: Future<Output = Result<T, E>>,
{
    let mut racing: FuturesUnordered<F> = attempts.into_iter().collect();
    let mut errors = Vec::new();
    while let Some(outcome) = racing.next().await {
        match outcome {
            Ok(value) => return Ok(value), // drops `racing`: the rest are cancelled
            Err(error) => errors.push(error),
        }
    }
    Err(errors)
}
