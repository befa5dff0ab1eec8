//! Hello, async: call an `async fn` and `.await` it.
//!
//! Why this works: calling `sign(book, name)` runs none of its body; it
//! returns a future holding the arguments. `.await` runs that future from
//! inside `welcome`'s own future: each time the runtime polls the task's
//! top-level future (here the test's, or `main`'s), that future polls
//! `welcome`'s, which polls `sign`'s, until `sign` is done; only then does
//! `welcome` go on. The runtime never sees `sign`'s future, only the task's
//! top-level one. So the line is written exactly once, before the greeting
//! is returned. Without `.await` the future is dropped at the end of the
//! statement and never runs.

use std::sync::{Mutex, PoisonError};

/// A guestbook that visitors sign.
///
/// Signing takes `&Guestbook`, not `&mut Guestbook`: the lines sit behind a
/// `Mutex`, so many visitors can hold a reference to the same book.
#[derive(Debug, Default)]
pub struct Guestbook {
    lines: Mutex<Vec<String>>,
}

impl Guestbook {
    /// An empty guestbook.
    pub fn new() -> Self {
        Self::default()
    }

    /// A copy of the lines written so far, oldest first.
    pub fn lines(&self) -> Vec<String> {
        self.lines
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .clone()
    }
}

/// Writes `"<name> was here"` into the guestbook.
pub async fn sign(book: &Guestbook, name: &str) {
    let line = format!("{name} was here");
    book.lines
        .lock()
        .unwrap_or_else(PoisonError::into_inner)
        .push(line);
}

/// Signs the guestbook for `name`, then greets them.
pub async fn welcome(book: &Guestbook, name: &str) -> String {
    sign(book, name).await;
    format!("Welcome, {name}!")
}
