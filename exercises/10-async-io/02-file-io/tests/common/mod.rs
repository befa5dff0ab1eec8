//! What the tests of this crate share: a scratch folder per test, and a way
//! to call the learner's code that turns a panic into a clear failure.

#![allow(dead_code)] // each test file uses part of it

use std::cell::RefCell;
use std::future::Future;
use std::panic::{self, AssertUnwindSafe};
use std::path::{Path, PathBuf};
use std::pin::Pin;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::mpsc;
use std::task::{Context, Poll};
use std::time::Duration;

use workbook_support::within;

/// The bound on each test: file operations on a scratch folder take
/// milliseconds.
pub const LIMIT: Duration = Duration::from_secs(10);

/// A fresh, empty folder under the system's temp folder, removed with
/// everything in it when the value is dropped, at the end of the test,
/// passed or failed.
pub struct Scratch(PathBuf);

impl Scratch {
    pub fn new(test: &str) -> Self {
        static NEXT: AtomicUsize = AtomicUsize::new(0);
        let n = NEXT.fetch_add(1, Ordering::Relaxed);
        let path = std::env::temp_dir().join(format!(
            "workbook-file-io-{test}-{}-{n}",
            std::process::id()
        ));
        let _ = std::fs::remove_dir_all(&path);
        std::fs::create_dir_all(&path)
            .unwrap_or_else(|e| panic!("could not create the scratch folder {path:?}: {e}"));
        Scratch(path)
    }

    pub fn path(&self) -> &Path {
        &self.0
    }

    /// A path inside the scratch folder.
    pub fn join(&self, name: &str) -> PathBuf {
        self.0.join(name)
    }

    /// Writes a file of the test's setup (with `std::fs`: the test's own
    /// files are not the learner's code).
    pub fn write(&self, name: &str, bytes: impl AsRef<[u8]>) -> PathBuf {
        let path = self.join(name);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).expect("create a folder of the test's setup");
        }
        std::fs::write(&path, bytes).expect("write a file of the test's setup");
        path
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// Runs the future that `make` returns on a current-thread tokio runtime
/// with real time, under `within`, whose blocking pool has a single thread
/// with a gate in front of it: see [`call`].
///
/// Why not paused time: it would work (tokio does not move a paused clock
/// forward while a blocking-pool task runs, runtime/blocking/schedule.rs),
/// but these tests use no timers, and they need the one-thread pool.
pub fn on_gated_tokio<M, F>(make: M) -> F::Output
where
    M: FnOnce() -> F + Send + 'static,
    F: Future,
    F::Output: Send + 'static,
{
    within(LIMIT, move || {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .max_blocking_threads(1)
            .build()
            .expect("build a tokio runtime");
        // Dropped before the runtime, also when the test fails: the runtime's
        // drop waits for its blocking thread, which must not wait at a gate.
        let _open_at_the_end = OpenAtTheEnd;
        runtime.block_on(async move { make().await })
    })
}

thread_local! {
    /// The gate in front of the blocking pool: while it holds a sender, a
    /// blocking task waits for it, and every blocking task queued after
    /// that one waits too (the pool has one thread and takes its tasks in
    /// order).
    static GATE: RefCell<Option<mpsc::Sender<()>>> = const { RefCell::new(None) };
}

/// Queues a task that holds the pool's thread until the gate opens, and
/// opens the gate before it (tasks queued before the new gate task run).
fn close_gate() {
    let (sender, receiver) = mpsc::channel::<()>();
    drop(tokio::task::spawn_blocking(move || {
        let _ = receiver.recv(); // returns when the sender is dropped
    }));
    GATE.with(|gate| gate.replace(Some(sender)));
}

fn open_gate() {
    GATE.with(|gate| gate.take());
}

struct OpenAtTheEnd;

impl Drop for OpenAtTheEnd {
    fn drop(&mut self) {
        open_gate();
    }
}

/// Polls the learner's future in the test's own task. Each poll closes the
/// gate first, so the blocking work that the poll starts (a read, a write,
/// a copy of `tokio::fs`) queues behind it; if the poll returns `Pending`
/// the gate opens and that work runs. If it returns `Ready`, the gate stays
/// closed while the test looks at the files: work started in the last poll
/// and not awaited (a write still in flight in a dropped `File`, a task
/// spawned and not joined) has certainly not been done yet. The next call,
/// or the end of the test, opens the gate again.
///
/// A panic in the learner's code comes back as `Err(message)`.
struct Gated<F> {
    inner: Pin<Box<F>>,
}

impl<F: Future> Future for Gated<F> {
    type Output = Result<F::Output, String>;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        close_gate();
        let inner = self.inner.as_mut();
        match panic::catch_unwind(AssertUnwindSafe(|| inner.poll(cx))) {
            Ok(Poll::Pending) => {
                open_gate();
                Poll::Pending
            }
            Ok(Poll::Ready(output)) => Poll::Ready(Ok(output)),
            Err(payload) => Poll::Ready(Err(payload
                .downcast_ref::<String>()
                .cloned()
                .or_else(|| payload.downcast_ref::<&str>().map(|s| s.to_string()))
                .unwrap_or_else(|| "(not a text)".to_string()))),
        }
    }
}

/// The output of `future` (see [`Gated`]), or its panic message.
async fn finish<F: Future>(future: F) -> Result<F::Output, String> {
    Gated {
        inner: Box::pin(future),
    }
    .await
}

/// Runs the learner's `future` (see [`Gated`]): a panic becomes a failure
/// that says what happened instead of only a panic message. `call` shows
/// the call in messages.
pub async fn call<T>(call: &str, future: impl Future<Output = T>) -> T {
    match finish(future).await {
        Ok(output) => output,
        Err(message) if message.starts_with("not yet implemented") => panic!(
            "{call} panicked: {message}\nWrite it: its contract is the doc comment above it in \
             src/lib.rs."
        ),
        Err(message) => panic!(
            "{call} panicked: {message}\nThe contract says it never panics. (An `unwrap()` or \
             an `expect()` on an io::Result?)"
        ),
    }
}

/// Runs the learner's `future` like [`call`], where the contract says the
/// call fails: it must return an `Err`, and a panic is reported as such.
/// `situation` says why it must fail.
pub async fn expect_err<T: std::fmt::Debug>(
    call: &str,
    situation: &str,
    future: impl Future<Output = Result<T, std::io::Error>>,
) {
    match finish(future).await {
        Err(message) => panic!(
            "{call} returned a panic instead of Err: {message}\n{situation}, and the contract \
             says that such a failure comes back as an `Err` the caller can handle, never as a \
             panic. (An `unwrap()` or an `expect()` on an io::Result? Pass the error on with \
             `?`.)"
        ),
        Ok(Ok(value)) => panic!(
            "{call} returned Ok({value:?}), but {situation}: it must return an `Err` that says \
             why (the io::Error of the operation that failed)."
        ),
        Ok(Err(_)) => {}
    }
}

/// Why a copy can be short or wrong, for the messages of the copy tests.
pub const WHY_INCOMPLETE: &str = "A single read returns what one system call gives, at most the \
    size of the buffer (and tokio's File reads at most 2 MiB at a time), and a single write may \
    take only part of its bytes, returning how many: both must be repeated until the end. And a \
    write to tokio's File is still under way when the call returns, and dropping the File does \
    not wait for it: a copy is only complete once the file has been flushed.";

/// Where two byte strings first differ, for messages about large files.
pub fn first_difference(got: &[u8], expected: &[u8]) -> String {
    match got.iter().zip(expected).position(|(a, b)| a != b) {
        Some(at) => format!("the bytes first differ at offset {at}"),
        None if got.len() < expected.len() => format!(
            "the file stops after {} of the {} bytes: the rest is missing",
            got.len(),
            expected.len()
        ),
        None if got.len() > expected.len() => format!(
            "all {} expected bytes are there, followed by {} more",
            expected.len(),
            got.len() - expected.len()
        ),
        None => "they are equal".to_string(),
    }
}

/// `len` bytes of a pattern that does not repeat every power of two, so a
/// piece copied to the wrong place shows.
pub fn pattern(len: usize) -> Vec<u8> {
    (0..len).map(|i| (i % 251) as u8).collect()
}
