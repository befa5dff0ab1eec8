//! The slow source a [`Cache`](crate::Cache) fetches from. You do not need
//! to change this file.

use std::sync::{Arc, Mutex};
use std::time::Duration;

/// Where the values come from: slow, like a database or a remote service.
/// Clones share one record of the fetches.
#[derive(Clone)]
pub struct Source {
    delay: Duration,
    fetched: Arc<Mutex<Vec<String>>>,
}

impl Source {
    /// A source whose every fetch takes `delay`.
    pub fn new(delay: Duration) -> Source {
        Source {
            delay,
            fetched: Arc::default(),
        }
    }

    /// The value of `key`, `"value of {key}"`, after `delay`.
    pub async fn fetch(&self, key: &str) -> String {
        self.fetched.lock().unwrap().push(key.to_owned());
        tokio::time::sleep(self.delay).await;
        format!("value of {key}")
    }

    /// The keys fetched so far, in the order the fetches started.
    pub fn fetched(&self) -> Vec<String> {
        self.fetched.lock().unwrap().clone()
    }
}
