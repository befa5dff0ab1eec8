//! Copying a folder's files and appending lines to a file with `tokio::fs`,
//! so that no byte is lost, and every failure comes back as an `Err`.
//!
//! Why this works: every file operation goes through `tokio::fs`, which runs
//! the blocking system call on tokio's blocking pool and leaves the runtime
//! thread free for other tasks. `copy_all` lists the folder with `read_dir`,
//! asks each entry for its type without following links and skips all but
//! regular files, then lets `fs::copy` do the copy: it opens the destination
//! for writing with truncation (an older, longer file leaves no tail behind),
//! loops until every byte is written, and returns the count. Nothing in it
//! can panic: each failure (no such folder, a file where a folder should be,
//! a folder it cannot create) is an `io::Error` passed on by `?`.
//! `append_lines` opens the file in append mode (created if missing, never
//! truncated), hands the whole text to `write_all`, which calls `write`
//! until every byte has been taken (tokio's `File` takes at most 2 MiB per
//! call), then awaits `flush`. tokio's `File` returns from a write as soon as
//! it has handed the bytes to a pool thread; `flush` waits for that thread,
//! so when `append_lines` returns `Ok` the bytes are in the file, and when
//! the last write failed, its error is the one returned. Dropping the `File`
//! without `flush` would return `Ok` while that write was still in flight.

use std::collections::BTreeMap;
use std::io;
use std::path::Path;

use tokio::fs;
use tokio::io::AsyncWriteExt;

/// Copies every regular file directly inside `src` into `dst`,
/// under the same name, and returns each copied file's name with its size
/// in bytes.
///
/// - Every byte arrives, whatever the file's size, and when `copy_all`
///   returns `Ok` every copy is complete: a reader that opens one at once
///   sees all of it.
/// - Entries of `src` that are not regular files (folders and what they
///   hold, links) are skipped: not copied, not in the result.
/// - `dst` is created, with its parents, if it does not exist. A file
///   already in it with the name of a copied file is replaced by the copy
///   (nothing of its old content is left); its other files stay as they are.
/// - Every failure is an `Err`, never a panic: a `src` that does not
///   exist or is not a folder, a `dst` that cannot be created or
///   written, a file that cannot be read.
/// - The runtime thread is never blocked: no `std::fs` in this file.
pub async fn copy_all(src: &Path, dst: &Path) -> io::Result<BTreeMap<String, u64>> {
    let mut entries = fs::read_dir(src).await?;
    fs::create_dir_all(dst).await?;
    let mut copied = BTreeMap::new();
    while let Some(entry) = entries.next_entry().await? {
        if !entry.file_type().await?.is_file() {
            continue;
        }
        let name = entry.file_name();
        let bytes = fs::copy(entry.path(), dst.join(&name)).await?;
        copied.insert(name.to_string_lossy().into_owned(), bytes);
    }
    Ok(copied)
}

/// Appends `lines` to the file at `path`, each followed by `'\n'`.
///
/// - The file is created if it does not exist (the folders above it are
///   not); what it already held stays, in front of the new lines.
/// - Every byte is written, however many lines there are, and when
///   `append_lines` returns `Ok` they are all in the file: a reader that
///   opens it at once sees them.
/// - Every failure is an `Err`, never a panic: a path that is a folder or
///   lies in a folder that does not exist, and a write that fails, the last
///   one included (a full disk).
/// - The runtime thread is never blocked: no `std::fs` in this file.
pub async fn append_lines(path: &Path, lines: &[&str]) -> io::Result<()> {
    let mut text = String::new();
    for line in lines {
        text.push_str(line);
        text.push('\n');
    }
    let mut file = fs::OpenOptions::new()
        .append(true)
        .create(true)
        .open(path)
        .await?;
    file.write_all(text.as_bytes()).await?;
    file.flush().await
}
