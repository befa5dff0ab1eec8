//! A cache in front of a slow backend, shared by the tasks of a service.

use std::collections::HashMap;
use std::future::Future;

use tokio::sync::Mutex;

/// Values by key, loaded from a backend on the first request for a key.
pub struct Cache<L> {
    entries: Mutex<HashMap<String, String>>,
    /// Loads the value of a key from the backend (slow: it awaits I/O).
    load: L,
}

impl<L, Fut> Cache<L>
where
    L: Fn(String) -> Fut,
    Fut: Future<Output = String>,
{
    pub fn new(load: L) -> Self {
        Self {
            entries: Mutex::new(HashMap::new()),
            load,
        }
    }

    // ANCHOR: get
    /// The value of `key`: the cached one, or else the one `load` returns,
    /// which is then kept for the next requests.
    ///
    /// - Each key is loaded at most once, also when many tasks ask for it
    ///   at the same time: they wait for the one load and get its value.
    /// - Every call answers: `get` never waits for a lock it holds itself.
    /// - The future is `Send` (`L` and `Fut` being `Send`), so a handler
    ///   that calls `get` can be spawned.
    pub async fn get(&self, key: &str) -> String {
        // TODO: this answers a cached key, but a miss never returns.
        let entries = self.entries.lock().await;
        if let Some(value) = entries.get(key) {
            return value.clone();
        }
        let value = (self.load)(key.to_owned()).await;
        self.insert(key, value.clone()).await;
        value
    }
    // ANCHOR_END: get

    /// Puts `value` in the cache for `key`, replacing any cached value.
    pub async fn insert(&self, key: &str, value: String) {
        self.entries.lock().await.insert(key.to_owned(), value);
    }

    /// How many keys are cached.
    pub async fn len(&self) -> usize {
        self.entries.lock().await.len()
    }

    /// Whether no key is cached.
    pub async fn is_empty(&self) -> bool {
        self.len().await == 0
    }
}
