//! A dashboard loaded from two requests at once, where the first failure
//! wins and stops the other request.

use std::future::Future;
use std::pin::Pin;

// ANCHOR: contract
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
    // TODO
    let _ = (profile, orders);
    todo!("load_dashboard is not written yet")
}
// ANCHOR_END: contract
