//! Hints live in each exercise's `hints/` folder as `1.md`, `2.md`, ...:
//! the one place an author writes them, out of the README so that reading
//! it does not reveal them. `cargo xtask hint` shows them one at a time, and
//! the book's exercise box shows them collapsed.

use std::fs;
use std::path::Path;

use crate::workbook::Exercise;

/// The text of each hint, in order: `1.md`, `2.md`, ... until one is missing.
pub fn hints(root: &Path, exercise: &Exercise) -> Vec<String> {
    let dir = root.join(exercise.hints_dir());
    (1..)
        .map_while(|n| fs::read_to_string(dir.join(format!("{n}.md"))).ok())
        .map(|text| text.trim().to_owned())
        .collect()
}
