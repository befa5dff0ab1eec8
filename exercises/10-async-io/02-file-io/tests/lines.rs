use super::common;

use std::io;
use std::path::Path;

use common::{Scratch, call, expect_err, first_difference, on_gated_tokio};

// Each test runs on `on_gated_tokio` (see tests/common/mod.rs): the
// blocking pool has one thread, and what the last poll of a call started
// on it waits until the test has looked at the files.

/// Calls `append_lines(path, lines)` in a task of its own (see `common::call`).
async fn append_lines(path: &Path, lines: &[&str]) -> io::Result<()> {
    let path = path.to_path_buf();
    let lines: Vec<String> = lines.iter().map(|l| l.to_string()).collect();
    let shown = if lines.len() <= 3 {
        format!("append_lines({path:?}, {lines:?})")
    } else {
        format!("append_lines({path:?}, <{} lines>)", lines.len())
    };
    call(&shown, async move {
        let lines: Vec<&str> = lines.iter().map(String::as_str).collect();
        file_io::append_lines(&path, &lines).await
    })
    .await
}

/// Calls `append_lines(path, lines)`, which must fail because of `situation`.
async fn append_lines_fails(path: &Path, lines: &[&str], situation: &str) {
    let path = path.to_path_buf();
    let lines: Vec<String> = lines.iter().map(|l| l.to_string()).collect();
    let shown = format!("append_lines({path:?}, {lines:?})");
    expect_err(&shown, situation, async move {
        let lines: Vec<&str> = lines.iter().map(String::as_str).collect();
        file_io::append_lines(&path, &lines).await
    })
    .await
}

/// The file's text, failing with a message if it cannot be read.
fn text(path: &Path) -> String {
    String::from_utf8_lossy(&bytes(path)).into_owned()
}

/// The file's bytes, failing with a message if it cannot be read.
fn bytes(path: &Path) -> Vec<u8> {
    std::fs::read(path).unwrap_or_else(|e| {
        panic!(
            "append_lines returned Ok, but {path:?} cannot be read: {e}.\nThe lines must be in \
             the file when append_lines returns; work left to finish in the background (a task \
             spawned and not awaited) has not run yet."
        )
    })
}

/// At most the last 60 characters of `text`, for messages.
fn tail(text: &str) -> &str {
    let start = text.len().saturating_sub(60);
    let start = (start..=text.len())
        .find(|&i| text.is_char_boundary(i))
        .unwrap_or(text.len());
    &text[start..]
}

/// Checks the file at `path`, read right after `append_lines` returned
/// `Ok`, against `expected`. `context` says what happened to it and what
/// the contract asks.
fn check_text(path: &Path, expected: &str, context: &str) {
    let got = text(path);
    if got == expected {
        return;
    }
    if expected.starts_with(&got) {
        panic!(
            "{context}\nRight after append_lines returned Ok, the file holds only the first {} \
             of the {} bytes expected; it ends with {:?} instead of {:?}.\n\
             tokio's File returns from a write as soon as it has handed the bytes to a thread of \
             the blocking pool, and dropping the File does not wait for that thread: flush the \
             file before it goes, so that the last write is done (and its error seen) before \
             append_lines returns. And a single write may take only part of its bytes, \
             returning how many it took (tokio's File takes at most 2 MiB per call): repeat it \
             until every byte is taken.",
            got.len(),
            expected.len(),
            tail(&got),
            tail(expected),
        );
    }
    panic!("{context}\nThe file holds\n  {got:?}\nbut should hold\n  {expected:?}");
}

#[test]
fn creates_the_file_and_writes_each_line() {
    on_gated_tokio(|| async {
        let scratch = Scratch::new("creates");
        let path = scratch.join("log.txt");
        append_lines(&path, &["one", "two"])
            .await
            .unwrap_or_else(|e| panic!("append_lines returned Err({e}) for a new file in an existing folder: it should create the file"));
        check_text(
            &path,
            "one\ntwo\n",
            "append_lines(.., [\"one\", \"two\"]) on a new file should write each line followed \
             by a newline.",
        );
    });
}

#[test]
fn keeps_what_the_file_already_held() {
    on_gated_tokio(|| async {
        let scratch = Scratch::new("keeps");
        let path = scratch.write("log.txt", "first\nsecond\n");
        append_lines(&path, &["third"])
            .await
            .unwrap_or_else(|e| panic!("append_lines returned Err({e}) for a file that exists"));
        append_lines(&path, &["fourth", "fifth"])
            .await
            .unwrap_or_else(|e| panic!("append_lines returned Err({e}) for a file that exists"));
        check_text(
            &path,
            "first\nsecond\nthird\nfourth\nfifth\n",
            "the file held \"first\\nsecond\\n\" before two calls appended [\"third\"] then \
             [\"fourth\", \"fifth\"]: what a file holds stays, and new lines go after it. \
             Opening a file to write, as most ways do, empties it or writes from its start; \
             open it so that every write goes to its end.",
        );
    });
}

#[test]
fn every_byte_of_a_large_batch_is_written() {
    on_gated_tokio(|| async {
        let scratch = Scratch::new("large");
        let path = scratch.join("big.log");
        // 3,000 lines of 1,000 bytes: about 3 MiB in one call.
        let lines: Vec<String> = (0..3_000)
            .map(|i| format!("line {i:>5} {}", "x".repeat(988)))
            .collect();
        let borrowed: Vec<&str> = lines.iter().map(String::as_str).collect();
        append_lines(&path, &borrowed)
            .await
            .unwrap_or_else(|e| panic!("append_lines returned Err({e}) for a large batch"));
        let expected: String = lines.iter().map(|l| format!("{l}\n")).collect();
        let got = bytes(&path);
        assert!(
            got == expected.as_bytes(),
            "after appending {} lines ({} bytes) to a new file, the file is not right: {}.\n\
             A single write may take only part of its bytes and return how many it took \
             (tokio's File takes at most 2 MiB per call): it must be repeated until every \
             byte is taken. And a write to tokio's File is still under way when the call \
             returns: the bytes are only in the file once it has been flushed.",
            lines.len(),
            expected.len(),
            first_difference(&got, expected.as_bytes())
        );
    });
}

#[test]
fn the_last_line_is_in_the_file_when_it_returns() {
    on_gated_tokio(|| async {
        let scratch = Scratch::new("last-line");
        let path = scratch.join("log.txt");
        let mut expected = String::new();
        for round in 0..5 {
            let line = format!("round {round}");
            append_lines(&path, &[&line])
                .await
                .unwrap_or_else(|e| panic!("append_lines returned Err({e}) on round {round}"));
            expected.push_str(&line);
            expected.push('\n');
            // Read at once, as a program that reopens the file would.
            check_text(
                &path,
                &expected,
                &format!(
                    "Call {} of append_lines appended the line {line:?}.",
                    round + 1
                ),
            );
        }
    });
}

/// A write that fails after the file was opened, as on a full disk: this
/// file of the kernel takes only a number, so writing "lost" fails with
/// "Invalid argument" (and changes nothing). `/dev/full` would do the same,
/// but a wrong answer that reads the file first would read it forever.
#[cfg(target_os = "linux")]
#[test]
fn a_failed_write_is_an_error() {
    on_gated_tokio(|| async {
        append_lines_fails(
            Path::new("/proc/self/oom_score_adj"),
            &["lost"],
            "this file opens like any other, then refuses every write that is not a number \
             (\"Invalid argument\"), as a full disk refuses writes. tokio's File returns from a \
             write before it is done and keeps its error for the next write or flush: without \
             a flush, the last write's error is dropped with the File",
        )
        .await;
    });
}

#[test]
fn a_folder_is_an_error_not_a_panic() {
    on_gated_tokio(|| async {
        let scratch = Scratch::new("folder");
        append_lines_fails(scratch.path(), &["x"], "the path is a folder, not a file").await;
    });
}

#[test]
fn a_missing_folder_is_an_error_not_a_panic() {
    on_gated_tokio(|| async {
        let scratch = Scratch::new("missing-folder");
        let path = scratch.join("no-such-folder/log.txt");
        append_lines_fails(
            &path,
            &["x"],
            "the folder the file should be in does not exist (append_lines creates the file, \
             not the folders above it)",
        )
        .await;
    });
}
