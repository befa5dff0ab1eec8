use super::common;

use std::collections::BTreeMap;
use std::io;
use std::path::Path;

use common::{
    Scratch, WHY_INCOMPLETE, call, expect_err, first_difference, on_gated_tokio, pattern,
};

// Each test runs on `on_gated_tokio` (see tests/common/mod.rs): the
// blocking pool has one thread, and what the last poll of a call started
// on it waits until the test has looked at the files.

/// Calls `copy_all(src, dst)` in a task of its own (see `common::call`).
async fn copy_all(src: &Path, dst: &Path) -> io::Result<BTreeMap<String, u64>> {
    let (src, dst) = (src.to_path_buf(), dst.to_path_buf());
    let shown = format!("copy_all({src:?}, {dst:?})");
    call(&shown, async move { file_io::copy_all(&src, &dst).await }).await
}

/// Calls `copy_all(src, dst)`, which must fail because of `situation`.
async fn copy_all_fails(src: &Path, dst: &Path, situation: &str) {
    let (src, dst) = (src.to_path_buf(), dst.to_path_buf());
    let shown = format!("copy_all({src:?}, {dst:?})");
    expect_err(&shown, situation, async move {
        file_io::copy_all(&src, &dst).await
    })
    .await
}

/// The names and sizes `copy_all` should report.
fn report(files: &[(&str, usize)]) -> BTreeMap<String, u64> {
    files
        .iter()
        .map(|(name, len)| (name.to_string(), *len as u64))
        .collect()
}

/// Reads a copy, failing with a message if it is not there.
fn read_copy(path: &Path) -> Vec<u8> {
    std::fs::read(path).unwrap_or_else(|e| {
        panic!(
            "copy_all returned Ok, but the copy {path:?} cannot be read: {e}.\nEvery copy must \
             be complete when copy_all returns; work left to finish in the background (a task \
             spawned and not awaited) has not run yet."
        )
    })
}

#[test]
fn copies_each_file_and_reports_its_size() {
    on_gated_tokio(|| async {
        let scratch = Scratch::new("copies-each");
        let src = scratch.join("src");
        scratch.write("src/notes.txt", "alpha\nbeta\n");
        scratch.write("src/data.bin", pattern(1000));
        scratch.write("src/empty.txt", "");
        // The destination does not exist yet, nor does its parent.
        let dst = scratch.join("out/copy");

        let copied = copy_all(&src, &dst).await.unwrap_or_else(|e| {
            panic!("copy_all returned Err({e}) for a folder of three readable files and a new destination: it should create the destination (with its parents) and copy them")
        });
        let expected = report(&[("data.bin", 1000), ("empty.txt", 0), ("notes.txt", 11)]);
        assert_eq!(
            copied, expected,
            "copy_all should return each copied file's name with its size in bytes"
        );
        for name in ["notes.txt", "data.bin", "empty.txt"] {
            let original = std::fs::read(src.join(name)).expect("read a source file");
            let copy = read_copy(&dst.join(name));
            assert!(
                copy == original,
                "right after copy_all returned Ok, the copy of {name} differs from the \
                 original: {}.\n{WHY_INCOMPLETE}",
                first_difference(&copy, &original)
            );
        }
    });
}

#[test]
fn a_large_file_arrives_whole() {
    on_gated_tokio(|| async {
        let scratch = Scratch::new("large");
        let len = (5 << 20) + 123; // 5 MiB and a bit
        let original = pattern(len);
        scratch.write("src/big.bin", &original);
        let dst = scratch.join("dst");

        let copied = copy_all(&scratch.join("src"), &dst)
            .await
            .unwrap_or_else(|e| {
                panic!("copy_all returned Err({e}) for a folder with one large file")
            });
        let copy = read_copy(&dst.join("big.bin"));
        assert!(
            copy == original,
            "the copy of a {len}-byte file is not whole: {}.\n{WHY_INCOMPLETE}",
            first_difference(&copy, &original)
        );
        assert_eq!(
            copied,
            report(&[("big.bin", len)]),
            "copy_all should report the size of what it copied"
        );
    });
}

#[test]
fn every_copy_is_complete_when_it_returns() {
    on_gated_tokio(|| async {
        let scratch = Scratch::new("complete");
        let names = ["one.bin", "two.bin", "three.bin"];
        for (i, name) in names.iter().enumerate() {
            scratch.write(&format!("src/{name}"), pattern(100_000 + i));
        }
        let dst = scratch.join("dst");
        copy_all(&scratch.join("src"), &dst)
            .await
            .unwrap_or_else(|e| panic!("copy_all returned Err({e}) for a folder of three files"));
        // Read at once, as a program that reopens the files would.
        for (i, name) in names.iter().enumerate() {
            let original = pattern(100_000 + i);
            let copy = read_copy(&dst.join(name));
            assert!(
                copy == original,
                "right after copy_all returned Ok, the copy of {name} was not whole: {}.\n\
                 tokio's File returns from a write as soon as it has handed the bytes to a \
                 thread of the blocking pool, and dropping the File does not wait for that \
                 thread; a task that is spawned and not awaited has not run either. Everything \
                 copy_all starts must be finished when it returns: flush each file before it \
                 goes.",
                first_difference(&copy, &original)
            );
        }
    });
}

#[test]
fn skips_folders_inside_the_source() {
    on_gated_tokio(|| async {
        let scratch = Scratch::new("skips");
        scratch.write("src/top.txt", "top");
        scratch.write("src/inner/deep.txt", "deep");
        let dst = scratch.join("dst");

        let copied = copy_all(&scratch.join("src"), &dst).await;
        let copied = copied.unwrap_or_else(|e| {
            panic!(
                "copy_all returned Err({e}) for a source folder that holds a file and a folder: \
                 a folder inside the source is skipped, not opened as a file. Ask each entry what \
                 it is before copying it."
            )
        });
        assert_eq!(
            copied,
            report(&[("top.txt", 3)]),
            "only the regular file should be copied and reported; the folder `inner` is skipped"
        );
        assert!(
            !dst.join("inner").exists(),
            "copy_all made {:?}: folders inside the source are skipped, not copied",
            dst.join("inner")
        );
    });
}

#[test]
fn replaces_a_file_of_the_same_name_and_keeps_the_others() {
    on_gated_tokio(|| async {
        let scratch = Scratch::new("replaces");
        scratch.write("src/config.txt", "new");
        scratch.write("dst/config.txt", "an older and much longer version");
        scratch.write("dst/keep.txt", "not in the source");
        let dst = scratch.join("dst");

        copy_all(&scratch.join("src"), &dst)
            .await
            .unwrap_or_else(|e| {
                panic!("copy_all returned Err({e}) for a destination that exists already")
            });
        let replaced = read_copy(&dst.join("config.txt"));
        let why = if replaced == b"an older and much longer version" {
            "The file was not replaced at all: when copy_all returned, the copy had not been \
             made. Everything copy_all starts must be finished when it returns (a task spawned \
             and not awaited has not run yet)."
        } else if replaced.len() < 3 && b"new".starts_with(&replaced) {
            "Right after copy_all returned Ok, the copy is not whole yet: a write to tokio's \
             File is still under way when the call returns, and dropping the File does not \
             wait for it. Flush the file before it goes."
        } else {
            "A file that is already there is replaced whole: writing over it without \
             truncating it first leaves the tail of the old content."
        };
        assert!(
            replaced == b"new",
            "dst/config.txt held \"an older and much longer version\"; after the copy it should \
             hold exactly the source's \"new\", but holds {:?}.\n{why}",
            String::from_utf8_lossy(&replaced)
        );
        let kept = std::fs::read(dst.join("keep.txt"));
        assert!(
            matches!(&kept, Ok(bytes) if bytes == b"not in the source"),
            "dst/keep.txt, a file the source does not have, should be left as it was; now: {:?}. \
             Do not remove or recreate the destination folder.",
            kept.map(|b| String::from_utf8_lossy(&b).into_owned())
        );
    });
}

#[test]
fn a_missing_source_is_an_error_not_a_panic() {
    on_gated_tokio(|| async {
        let scratch = Scratch::new("missing");
        copy_all_fails(
            &scratch.join("no-such-folder"),
            &scratch.join("dst"),
            "the source folder does not exist",
        )
        .await;
    });
}

#[test]
fn a_source_that_is_a_file_is_an_error_not_a_panic() {
    on_gated_tokio(|| async {
        let scratch = Scratch::new("src-is-file");
        let file = scratch.write("plain.txt", "a file, not a folder");
        copy_all_fails(
            &file,
            &scratch.join("dst"),
            "the source is a file, not a folder",
        )
        .await;
    });
}

#[test]
fn an_unwritable_destination_is_an_error_not_a_panic() {
    on_gated_tokio(|| async {
        let scratch = Scratch::new("unwritable");
        scratch.write("src/a.txt", "a");
        let blocker = scratch.write("blocker", "a file where a folder should be");

        copy_all_fails(
            &scratch.join("src"),
            &blocker,
            "the destination is an existing file, not a folder",
        )
        .await;
        copy_all_fails(
            &scratch.join("src"),
            &blocker.join("dst"),
            "the destination lies under a file, so it cannot be created",
        )
        .await;
    });
}
