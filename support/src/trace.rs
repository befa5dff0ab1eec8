use std::fmt::Write as _;
use std::sync::{Arc, Mutex, PoisonError};

/// An append-only log of events, shared by the futures under test and the
/// test itself. Cloning it gives another handle to the same log.
///
/// Tests compare [`Trace::render`] with an insta snapshot, so a learner sees
/// the exact order of polls, wake-ups and outputs their code produced.
#[derive(Clone, Default)]
pub struct Trace {
    events: Arc<Mutex<Vec<String>>>,
}

impl Trace {
    pub fn new() -> Self {
        Self::default()
    }

    /// Appends one event.
    pub fn push(&self, event: impl Into<String>) {
        self.lock().push(event.into());
    }

    /// A copy of the events so far.
    pub fn events(&self) -> Vec<String> {
        self.lock().clone()
    }

    /// How many events so far satisfy `pred`.
    pub fn count(&self, pred: impl Fn(&str) -> bool) -> usize {
        self.lock().iter().filter(|e| pred(e)).count()
    }

    /// The events, one per line, for snapshots and failure messages.
    pub fn render(&self) -> String {
        self.lock().iter().fold(String::new(), |mut out, e| {
            let _ = writeln!(out, "{e}");
            out
        })
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Vec<String>> {
        // A panic inside a learner's poll must not hide the trace we print
        // to explain it, so a poisoned log is still read.
        self.events.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

impl std::fmt::Debug for Trace {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_list().entries(self.lock().iter()).finish()
    }
}
