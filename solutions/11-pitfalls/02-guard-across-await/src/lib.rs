//! A cache in front of a slow backend, shared by the tasks of a service.
//!
//! Why this works: tokio's `Mutex` is not re-entrant, so `get` must not
//! lock it again, directly or through `insert`, while its own guard is
//! alive: it inserts through the guard it already has. That guard is held
//! across the load's `.await` on purpose. A tokio guard may be held there
//! (the task gives up the thread, not the lock, and the guard is `Send`),
//! and holding it is what makes the look-up, the load and the insert one
//! step: a second task asking for the same key waits at `lock()` until the
//! value is in the map, and then finds it, so each key is loaded once. The
//! price is that loads of different keys wait for each other too, which a
//! cache with one lock (or one load in flight) per key would avoid.

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
        // Held until the value is in the map: a second `get` of this key
        // waits here, then finds the value instead of loading it again.
        let mut entries = self.entries.lock().await;
        if let Some(value) = entries.get(key) {
            return value.clone();
        }
        let value = (self.load)(key.to_owned()).await;
        // Through the guard we hold: `self.insert` would lock again and
        // wait for this very guard, for ever.
        entries.insert(key.to_owned(), value.clone());
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
