//! A race that the first success wins, and that failures do not end.

use std::future::Future;

// ANCHOR: contract
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
    // TODO
    let _ = attempts.into_iter();
    todo!("first_ok is not written yet")
}
// ANCHOR_END: contract
