//! A cache in front of a slow source, shared by many tasks.
//!
//! Why this works: the lock guards the map, never the fetch. A `get` takes
//! the read lock just long enough to copy a cached value out, so readers
//! share the lock and none of them waits for another. On a miss, the read
//! guard is gone before the fetch starts, the fetch runs with no lock held
//! (so readers and other fetches go on), and the write lock is taken only
//! to insert the value, for a few instructions. Since no guard ever lives
//! across an `.await`, the std `RwLock` is the right one: it is cheaper
//! than tokio's, and the future stays `Send`. Two gets that miss at once
//! both fetch; `or_insert` keeps the first value stored, so both return
//! the same one.

mod source;

use std::collections::HashMap;
use std::sync::{Arc, RwLock};

pub use source::Source;

/// A cache of the values of a [`Source`], shared by many tasks. Clones
/// share the same cached values.
#[derive(Clone)]
pub struct Cache {
    source: Source,
    values: Arc<RwLock<HashMap<String, String>>>,
}

impl Cache {
    /// An empty cache in front of `source`.
    pub fn new(source: Source) -> Cache {
        Cache {
            source,
            values: Arc::default(),
        }
    }

    /// The value of `key`: the cached one, or else one fetched from the
    /// source, which is then kept for the next `get`.
    ///
    /// - A key is fetched once: later gets return the cached value at
    ///   once. (Gets of one key that miss at the same moment may each
    ///   fetch it; they all return the same value.)
    /// - A fetch holds up nobody else: while it waits for the source,
    ///   gets of cached keys return at once, and fetches of other keys
    ///   run at the same time.
    /// - The future is `Send`, so it can be awaited in a spawned task.
    pub async fn get(&self, key: &str) -> String {
        // The read guard is a temporary: dropped at the end of this line.
        let cached = self.values.read().unwrap().get(key).cloned();
        if let Some(value) = cached {
            return value;
        }
        let fetched = self.source.fetch(key).await; // no lock held here
        let mut values = self.values.write().unwrap();
        values.entry(key.to_owned()).or_insert(fetched).clone()
    }
}
