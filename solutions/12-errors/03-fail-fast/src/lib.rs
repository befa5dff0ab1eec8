//! A dashboard loaded from two requests at once, where the first failure
//! wins and stops the other request.
//!
//! Why this works: each request is spawned, so it runs as a task of its
//! own, and its `JoinHandle` is wrapped in an `AbortOnDropHandle`, which
//! aborts the task when the wrapper is dropped. `try_join!` polls the two
//! `finished(..)` futures in this task and returns at the first `Err`,
//! turning a task's panic (a `JoinError`) into `Crashed` on the way. When
//! it returns, early or not, the futures it held are dropped, and with
//! them the wrappers: a request still running is aborted instead of
//! detached, as a plain `JoinHandle` would be. The same drop happens if
//! the caller drops `load_dashboard` halfway, since the wrappers are
//! locals of its future. Abort takes effect the next time the runtime
//! gets to the task, which drops the request's future at its `.await`.

use std::future::Future;
use std::pin::Pin;

use tokio_util::task::AbortOnDropHandle;

/// One request to a backend: async work that gives a `T` or fails.
pub type Request<T> = Pin<Box<dyn Future<Output = Result<T, LoadError>> + Send>>;

/// What the dashboard shows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Dashboard {
    pub profile: String,
    pub orders: Vec<u32>,
}

/// Why the dashboard could not be loaded.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum LoadError {
    /// A request failed and said why.
    #[error("the backend refused: {0}")]
    Refused(String),
    /// A request did not finish: its task panicked, or was cancelled from
    /// outside.
    #[error("a request crashed")]
    Crashed,
}

/// Loads a dashboard from the two requests.
///
/// - Both requests run at the same time, each in a task of its own, so
///   that on a multi-thread runtime they can run on two threads.
/// - If both succeed, returns the dashboard, once both are done.
/// - As soon as one fails, returns its error without waiting for the
///   other. A request whose task panicked fails with `Crashed`. It never
///   panics itself.
/// - No request outlives the call: when it returns, or when the caller
///   drops it before it is done (a timeout, say), a request still running
///   is stopped (its task aborted), not left to run for nobody.
pub async fn load_dashboard(
    profile: Request<String>,
    orders: Request<Vec<u32>>,
) -> Result<Dashboard, LoadError> {
    let profile = AbortOnDropHandle::new(tokio::spawn(profile));
    let orders = AbortOnDropHandle::new(tokio::spawn(orders));
    let (profile, orders) = tokio::try_join!(finished(profile), finished(orders))?;
    Ok(Dashboard { profile, orders })
}

/// The request's own result, or `Crashed` if its task did not finish.
async fn finished<T>(task: AbortOnDropHandle<Result<T, LoadError>>) -> Result<T, LoadError> {
    match task.await {
        Ok(result) => result,
        Err(_join_error) => Err(LoadError::Crashed),
    }
}
