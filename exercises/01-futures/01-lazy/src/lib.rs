//! Futures are lazy: no work before the first poll.

use std::future::Future;
use std::sync::{Mutex, PoisonError};

/// A pretend web client. It keeps a log of the requests it has sent, so you
/// can see what went out, and when.
#[derive(Debug, Default)]
pub struct Client {
    sent: Mutex<Vec<String>>,
}

impl Client {
    /// A client that has sent nothing yet.
    pub fn new() -> Self {
        Self::default()
    }

    /// Sends `request` and returns its number: 1 for the first request this
    /// client sends, 2 for the second, and so on.
    pub fn send(&self, request: &str) -> usize {
        let mut sent = self.sent.lock().unwrap_or_else(PoisonError::into_inner);
        sent.push(request.to_owned());
        sent.len()
    }

    /// Waits for the reply to request number `number`.
    pub async fn reply(&self, number: usize) -> String {
        // Stands in for the network round trip: the first poll returns
        // `Pending` (after arranging to be polled again), the next one
        // finishes.
        tokio::task::yield_now().await;
        format!("reply #{number}")
    }

    /// The requests sent so far, oldest first.
    pub fn sent(&self) -> Vec<String> {
        self.sent
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .clone()
    }
}

// ANCHOR: get
/// Fetches `path`: sends one request, then waits for its reply.
///
/// Nothing may be sent until the returned future is first polled.
pub fn get(client: &Client, path: &str) -> impl Future<Output = String> {
    let request = format!("GET {path}");
    // TODO: building the future must send nothing. The request must go out
    // on the future's first poll, exactly once; a future dropped unpolled
    // must never send it.
    let number = client.send(&request);
    async move {
        let reply = client.reply(number).await;
        format!("{reply} to {request}")
    }
}
// ANCHOR_END: get
