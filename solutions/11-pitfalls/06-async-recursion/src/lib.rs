//! Disk usage of a directory tree kept by a remote storage service, where
//! listing one directory is one request over the network.
//!
//! Why this works: `disk_usage` lists its directory, counts the files, and
//! then awaits one `disk_usage` per subdirectory, all of them through
//! `try_join_all`. That is what makes the recursion legal: the children's
//! futures never sit inside the parent's future (which would then contain
//! its own type, E0733), because `try_join_all` keeps them in one boxed
//! slice on the heap and polls them there. That slice is the indirection
//! a `Box::pin` gives a single call, at one allocation per directory with
//! children (up to 30 of them) instead of one per call. `try_join_all` also polls the
//! children together, so the listings of one level are in flight at the
//! same time and a walk takes one latency per level; and it returns the
//! first error at once and drops the walks still running, so nothing more
//! is listed. Every future involved holds only `&Store`, `String`s and the
//! children's futures, all `Send`, so the whole walk is `Send`.

use std::collections::BTreeMap;
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering::SeqCst};
use std::time::Duration;

use futures::future::try_join_all;

/// One entry of a directory listing.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Entry {
    File { name: String, bytes: u64 },
    Dir { name: String },
}

/// A directory that could not be listed: its parent lists it, but it was
/// removed before its own listing (the storage changes while you walk it).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Missing(pub String);

/// What a directory holds, at every depth below it.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Usage {
    /// Files, at every depth.
    pub files: u64,
    /// Their sizes, added up.
    pub bytes: u64,
    /// Directories below the one walked (not counting that one).
    pub dirs: u64,
}

/// The path of `name` in the directory `dir`: `child("/", "a")` is `"/a"`,
/// `child("/a", "b")` is `"/a/b"`.
pub fn child(dir: &str, name: &str) -> String {
    if dir == "/" {
        format!("/{name}")
    } else {
        format!("{dir}/{name}")
    }
}

/// A directory tree in a storage service. Listing a directory takes
/// [`Store::LATENCY`], the time of a request; many listings may be in
/// flight at once. The root is `"/"`.
#[derive(Debug, Default)]
pub struct Store {
    dirs: BTreeMap<String, Vec<Entry>>,
    listings: Mutex<Vec<String>>,
    in_flight: AtomicUsize,
    most_in_flight: AtomicUsize,
}

impl Store {
    /// How long one listing takes.
    pub const LATENCY: Duration = Duration::from_millis(20);

    /// An empty store: only the root, `"/"`, with nothing in it.
    pub fn new() -> Store {
        let mut store = Store::default();
        store.dirs.insert("/".to_owned(), Vec::new());
        store
    }

    /// Adds a file of `bytes` bytes at `path` (such as `"/logs/2024/jan.txt"`),
    /// and the directories above it that are not there yet.
    pub fn add_file(&mut self, path: &str, bytes: u64) -> &mut Store {
        let (dir, name) = self.parent_of(path);
        self.dirs.get_mut(&dir).unwrap().push(Entry::File {
            name: name.to_owned(),
            bytes,
        });
        self
    }

    /// Adds an empty directory at `path`, and the ones above it.
    pub fn add_dir(&mut self, path: &str) -> &mut Store {
        self.make_dir(path);
        self
    }

    /// Removes the directory at `path` but leaves its entry in its parent's
    /// listing: listing it fails with [`Missing`], as when it is deleted
    /// during a walk.
    pub fn remove_dir(&mut self, path: &str) -> &mut Store {
        self.make_dir(path);
        self.dirs.remove(path);
        self
    }

    /// Lists the directory at `path`: after [`Store::LATENCY`], its
    /// entries, or `Err(Missing(path))` if there is no such directory.
    pub async fn list(&self, path: &str) -> Result<Vec<Entry>, Missing> {
        self.listings.lock().unwrap().push(path.to_owned());
        let now = self.in_flight.fetch_add(1, SeqCst) + 1;
        self.most_in_flight.fetch_max(now, SeqCst);
        let _done = Decrement(&self.in_flight);
        tokio::time::sleep(Self::LATENCY).await;
        self.dirs.get(path).cloned().ok_or(Missing(path.to_owned()))
    }

    /// Every path listed so far, in the order the listings started.
    pub fn listings(&self) -> Vec<String> {
        self.listings.lock().unwrap().clone()
    }

    /// The most listings in flight at one time so far.
    pub fn most_in_flight(&self) -> usize {
        self.most_in_flight.load(SeqCst)
    }

    fn make_dir(&mut self, path: &str) {
        if self.dirs.contains_key(path) {
            return;
        }
        let (dir, name) = self.parent_of(path);
        self.dirs.get_mut(&dir).unwrap().push(Entry::Dir {
            name: name.to_owned(),
        });
        self.dirs.insert(path.to_owned(), Vec::new());
    }

    /// Splits `path` into its directory, which it creates if needed, and its name.
    fn parent_of<'p>(&mut self, path: &'p str) -> (String, &'p str) {
        let (dir, name) = path.rsplit_once('/').expect("paths start with /");
        let dir = if dir.is_empty() { "/" } else { dir };
        self.make_dir(dir);
        (dir.to_owned(), name)
    }
}

struct Decrement<'a>(&'a AtomicUsize);

impl Drop for Decrement<'_> {
    fn drop(&mut self) {
        self.0.fetch_sub(1, SeqCst);
    }
}

/// The usage of everything below the directory `path` of `store`.
///
/// - Counts every file at every depth, and every directory below `path`.
/// - Lists each directory once. The subdirectories of a directory are
///   walked at the same time, so a walk takes one listing's time per
///   level of the tree, not one per directory.
/// - A directory that cannot be listed ends the walk at once with
///   `Err(Missing(its path))`: the listings still in flight are dropped
///   and no new one starts.
/// - The future is `Send`: a server spawns walks on a multi-thread
///   runtime.
pub async fn disk_usage(store: &Store, path: &str) -> Result<Usage, Missing> {
    let mut usage = Usage::default();
    let mut subdirs = Vec::new();
    for entry in store.list(path).await? {
        match entry {
            Entry::File { bytes, .. } => {
                usage.files += 1;
                usage.bytes += bytes;
            }
            Entry::Dir { name } => subdirs.push(child(path, &name)),
        }
    }
    usage.dirs = subdirs.len() as u64;
    // No `Box::pin` needed: `try_join_all` keeps the children's futures in
    // a boxed slice, not inside this future.
    let walks = subdirs.iter().map(|dir| disk_usage(store, dir));
    for below in try_join_all(walks).await? {
        usage.files += below.files;
        usage.bytes += below.bytes;
        usage.dirs += below.dirs;
    }
    Ok(usage)
}
