//! Futures are lazy: no work before the first poll.
//!
//! Why this works: `get` itself now only builds the `async move` block,
//! which captures `client` and `path` and runs none of its body. The
//! request is the first statement inside the block, so it is sent on the
//! future's first poll, exactly once, in the order the futures are actually
//! run; a future that is dropped unpolled never sends anything. (Writing
//! `get` as an `async fn` would be just as lazy.)

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

    /// Sends `GET <path>` and returns the request's number: 1 for the first
    /// request this client sends, 2 for the second, and so on.
    pub fn send(&self, path: &str) -> usize {
        let mut sent = self.sent.lock().unwrap_or_else(PoisonError::into_inner);
        sent.push(format!("GET {path}"));
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

/// Fetches `path`: sends one request, then waits for its reply.
///
/// Nothing may be sent until the returned future is first polled.
pub fn get(client: &Client, path: &str) -> impl Future<Output = String> {
    async move {
        let number = client.send(path);
        let reply = client.reply(number).await;
        format!("{reply} to GET {path}")
    }
}
