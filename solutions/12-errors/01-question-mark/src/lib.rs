//! A counter kept in a store: read it, add one, write it back. Each step
//! can fail, and every failure must reach the caller, with its cause.
//!
//! Why this works: `thiserror` derives `Display` from each `#[error]`
//! text, and `#[from]` both marks the field as the `source()` and writes
//! the `From` impl that `?` calls, so `store.read(key).await?` and
//! `text.parse()?` turn their errors into `BumpError` without a
//! `map_err`. The messages leave the cause out because `source()` carries
//! it, and `report` walks that chain once, so nothing is said twice. The
//! one error that is not a failure, `NotFound` on a read, is matched on
//! its kind before `?` sees it; every other error travels up with `?`
//! (the write's result included), and `checked_add` turns the overflow
//! into `Full` instead of a panic.

use std::error::Error;
use std::io;
use std::num::ParseIntError;

mod store;
pub use store::Store;

/// Why a bump failed. Each variant displays as the text in its doc
/// comment, and only that: the cause is not repeated in the message, it is
/// the error's `source()`.
#[derive(Debug, thiserror::Error)]
pub enum BumpError {
    /// "the store failed". `source()`: the `io::Error` of the read or write.
    #[error("the store failed")]
    Store(#[from] io::Error),
    /// "the stored value is not a number". `source()`: the `ParseIntError`.
    #[error("the stored value is not a number")]
    NotANumber(#[from] ParseIntError),
    /// "the counter is at its maximum". No `source()`.
    #[error("the counter is at its maximum")]
    Full,
}

/// Adds one to the counter at `key` in `store`, writes the new value back
/// and returns it.
///
/// - A key that was never set counts as 0 (the store's read fails with
///   `io::ErrorKind::NotFound`), so its first bump writes and returns 1.
/// - Any other failure is returned, never hidden: a read or write that
///   fails (`Store`), a value that is not a `u64` (`NotANumber`), a
///   counter at `u64::MAX` (`Full`). Nothing is written then.
/// - It never panics.
pub async fn bump(store: &Store, key: &str) -> Result<u64, BumpError> {
    let count: u64 = match store.read(key).await {
        Ok(text) => text.parse()?,
        // A missing counter is a counter at zero, not a failure.
        Err(error) if error.kind() == io::ErrorKind::NotFound => 0,
        Err(error) => return Err(error.into()),
    };
    let next = count.checked_add(1).ok_or(BumpError::Full)?;
    store.write(key, next.to_string()).await?;
    Ok(next)
}

/// Bumps each key in turn and returns the new values, in order. At the
/// first failure it stops and returns that error: the keys after it are
/// not touched.
pub async fn bump_all(store: &Store, keys: &[&str]) -> Result<Vec<u64>, BumpError> {
    let mut values = Vec::with_capacity(keys.len());
    for key in keys {
        values.push(bump(store, key).await?);
    }
    Ok(values)
}

/// The one line a program prints for a failure: the error's message, then
/// the message of each error in its chain of `source()`s, joined by ": ".
/// For a failed read: "the store failed: cannot read \"hits\"".
pub fn report(error: &(dyn Error + 'static)) -> String {
    let mut line = error.to_string();
    let mut cause = error.source();
    while let Some(error) = cause {
        line.push_str(": ");
        line.push_str(&error.to_string());
        cause = error.source();
    }
    line
}
