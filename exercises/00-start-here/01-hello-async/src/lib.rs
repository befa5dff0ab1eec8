//! Hello, async: call an `async fn` and `.await` it.

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

// ANCHOR: sign
/// Writes `"<name> was here"` into the guestbook.
pub async fn sign(book: &Guestbook, name: &str) {
    let line = format!("{name} was here");
    book.lines
        .lock()
        .unwrap_or_else(PoisonError::into_inner)
        .push(line);
}
// ANCHOR_END: sign

// ANCHOR: welcome
/// Signs the guestbook for `name`, then greets them.
pub async fn welcome(book: &Guestbook, name: &str) -> String {
    // TODO: `welcome` must sign the book for `name`, exactly once, before
    // it returns the greeting. As written, the book stays empty.
    sign(book, name);
    format!("Welcome, {name}!")
}
// ANCHOR_END: welcome
