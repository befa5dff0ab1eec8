//! A word scanner that keeps its text inside itself and a pointer to where it
//! stopped reading: the shape of a future that borrows its own local across
//! an `.await`, written by hand.

use std::pin::Pin;
use std::ptr;

/// The most text a scanner can hold, in bytes.
pub const CAPACITY: usize = 64;

// ANCHOR: scanner
/// Reads a text word by word. The text is stored inside the scanner, and
/// `cursor` points at the next unread byte of it: into the scanner itself.
pub struct Scanner {
    text: [u8; CAPACITY],
    len: usize,
    /// The next unread byte of `text`.
    cursor: *const u8,
    // TODO (1): a scanner points into itself, so once pinned it must never
    // move. As it is, `Scanner` is `Unpin`, which tells the compiler that
    // moving one is harmless, and `Pin` then guards nothing. Make it `!Unpin`.
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
        let mut scanner = Scanner {
            text: bytes,
            len: text.len(),
            cursor: ptr::null(),
        };
        // TODO (2): the scanner this function returns must have its cursor
        // on the first byte of its own `text`, at the address where that
        // scanner stays. Here the cursor is set, and then the scanner moves.
        scanner.cursor = scanner.text.as_ptr();
        Box::pin(scanner)
    }

    /// Moves the cursor `n` bytes forward.
    fn advance(self: Pin<&mut Self>, n: usize) {
        // TODO (3): once `Scanner` is `!Unpin`, this stops compiling. Move
        // the cursor forward without moving the scanner. Put a `// SAFETY:`
        // comment above any `unsafe` block, saying why its promise holds.
        let this = self.get_mut();
        this.cursor = this.cursor.wrapping_add(n);
    }
    // ANCHOR_END: scanner

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
