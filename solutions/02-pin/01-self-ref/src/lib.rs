//! A word scanner that keeps its text inside itself and a pointer to where it
//! stopped reading: the shape of a future that borrows its own local across
//! an `.await`, written by hand.
//!
//! Why this works: the cursor is set only once the scanner sits in its box,
//! at the address it keeps for the rest of its life, so it points into the
//! scanner's own `text`. `PhantomPinned` makes `Scanner` `!Unpin`, so a
//! `Pin<Box<Scanner>>` hands out no `&mut Scanner` in safe code: no
//! `mem::swap`, no `Pin::into_inner`, nothing that could move the scanner and
//! leave the cursor pointing at its old place. The one `&mut` the scanner
//! takes itself (in `advance`) is used to write a field, never to move the
//! value, which is what the `unsafe` block promises.

use std::marker::PhantomPinned;
use std::pin::Pin;
use std::ptr;

/// The most text a scanner can hold, in bytes.
pub const CAPACITY: usize = 64;

/// Reads a text word by word. The text is stored inside the scanner, and
/// `cursor` points at the next unread byte of it: into the scanner itself.
pub struct Scanner {
    text: [u8; CAPACITY],
    len: usize,
    /// The next unread byte of `text`.
    cursor: *const u8,
    _pinned: PhantomPinned,
}

impl Scanner {
    /// A scanner for `text`, at the address it will keep until it is dropped.
    ///
    /// Panics if `text` is longer than [`CAPACITY`] bytes.
    pub fn new(text: &str) -> Pin<Box<Scanner>> {
        assert!(
            text.len() <= CAPACITY,
            "a scanner holds at most {CAPACITY} bytes"
        );
        let mut bytes = [0; CAPACITY];
        bytes[..text.len()].copy_from_slice(text.as_bytes());
        let mut boxed = Box::new(Scanner {
            text: bytes,
            len: text.len(),
            cursor: ptr::null(),
            _pinned: PhantomPinned,
        });
        // The scanner is on the heap now and will not move again: moving the
        // box moves only the pointer to it.
        boxed.cursor = boxed.text.as_ptr();
        Box::into_pin(boxed)
    }

    /// Moves the cursor `n` bytes forward.
    fn advance(self: Pin<&mut Self>, n: usize) {
        // SAFETY: we only write the `cursor` field through this reference;
        // the scanner itself is not moved out of it or swapped.
        let this = unsafe { self.get_unchecked_mut() };
        this.cursor = this.cursor.wrapping_add(n);
    }

    /// The next word of the text, or `None` when only white space is left.
    pub fn next_word(mut self: Pin<&mut Self>) -> Option<String> {
        let rest = self.as_ref().rest();
        let start = rest.len() - rest.trim_start().len();
        let word = rest[start..].split_whitespace().next()?.to_owned();
        self.as_mut().advance(start + word.len());
        Some(word)
    }

    /// The text that has not been read yet, read through the cursor.
    pub fn rest(self: Pin<&Self>) -> &str {
        let this = self.get_ref();
        let read = this.bytes_read();
        // SAFETY: `bytes_read` checked that the cursor points into `text`,
        // `read` bytes from its start, so the `len - read` bytes after it are
        // initialized bytes of `text`, which lives as long as `self`.
        let bytes = unsafe { std::slice::from_raw_parts(this.cursor, this.len - read) };
        std::str::from_utf8(bytes).expect("the cursor stops only between words")
    }

    /// Where the cursor points. The tests compare it with [`Scanner::text_start`].
    pub fn cursor(self: Pin<&Self>) -> *const u8 {
        self.cursor
    }

    /// Where the scanner's own copy of the text starts.
    pub fn text_start(self: Pin<&Self>) -> *const u8 {
        self.text.as_ptr()
    }

    /// How far the cursor is from the start of `text`. Panics, before anyone
    /// reads through it, if the cursor does not point into `text`.
    fn bytes_read(&self) -> usize {
        let start = self.text.as_ptr() as usize;
        let cursor = self.cursor as usize;
        assert!(
            (start..=start + self.len).contains(&cursor),
            "the cursor ({cursor:#x}) does not point into this scanner's text \
             ({start:#x}..{:#x}): it was set while the scanner was at another \
             address. Set it once the scanner has reached the place it will \
             stay in",
            start + self.len
        );
        cursor - start
    }
}
