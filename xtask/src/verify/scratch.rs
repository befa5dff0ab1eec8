//! The scratch copy of the workbook that verify works on, so the learner's
//! files are never written.

use std::fs;
use std::hash::{DefaultHasher, Hash, Hasher};
use std::path::{Path, PathBuf};

use anyhow::{Context, Result};

use crate::workbook::Exercise;

/// A stable scratch directory per workbook and purpose, in the system's
/// temp dir: outside any target directory, because trybuild shortens the
/// paths in compiler messages only for crates that are not inside one.
pub fn scratch_dir(root: &Path, purpose: &str) -> PathBuf {
    let mut hasher = DefaultHasher::new();
    root.hash(&mut hasher);
    std::env::temp_dir().join(format!("async-workbook-{purpose}-{:x}", hasher.finish()))
}

/// Top-level entries that are build output or history, not the workbook.
const SKIP: &[&str] = &["target", ".git", ".workbook"];

/// Replaces `dest` with a fresh copy of the workbook at `root`.
pub fn copy_workbook(root: &Path, dest: &Path) -> Result<()> {
    if dest.exists() {
        fs::remove_dir_all(dest).with_context(|| format!("remove {}", dest.display()))?;
    }
    fs::create_dir_all(dest)?;
    for entry in fs::read_dir(root)? {
        let entry = entry?;
        let name = entry.file_name();
        if SKIP.iter().any(|s| name == *s) {
            continue;
        }
        copy_tree(&entry.path(), &dest.join(&name))?;
    }
    // The built book is output too.
    let built = dest.join("book").join("book");
    if built.exists() {
        fs::remove_dir_all(built)?;
    }
    Ok(())
}

/// Copies every solution file over the matching exercise file.
pub fn apply_solutions(scratch: &Path, exercises: &[Exercise]) -> Result<()> {
    for exercise in exercises {
        for file in files_under(&scratch.join(exercise.solution_dir()))? {
            let relative = file
                .strip_prefix(scratch.join(exercise.solution_dir()))
                .expect("listed under the solution");
            let target = scratch.join(exercise.dir()).join(relative);
            if let Some(parent) = target.parent() {
                fs::create_dir_all(parent)?;
            }
            fs::copy(&file, &target).with_context(|| format!("copy {}", file.display()))?;
        }
    }
    Ok(())
}

/// All files below `dir`, recursively, sorted. Empty if `dir` is missing.
pub fn files_under(dir: &Path) -> Result<Vec<PathBuf>> {
    let mut files = Vec::new();
    if !dir.exists() {
        return Ok(files);
    }
    let mut pending = vec![dir.to_path_buf()];
    while let Some(current) = pending.pop() {
        for entry in fs::read_dir(&current)? {
            let path = entry?.path();
            if path.is_dir() {
                pending.push(path);
            } else {
                files.push(path);
            }
        }
    }
    files.sort();
    Ok(files)
}

fn copy_tree(from: &Path, to: &Path) -> Result<()> {
    if from.is_dir() {
        fs::create_dir_all(to)?;
        for entry in fs::read_dir(from)? {
            let entry = entry?;
            copy_tree(&entry.path(), &to.join(entry.file_name()))?;
        }
    } else {
        fs::copy(from, to).with_context(|| format!("copy {}", from.display()))?;
    }
    Ok(())
}

/// A fingerprint of every file under `dir` (paths and contents), to prove
/// afterwards that nothing there was written.
pub fn fingerprint(dir: &Path) -> Result<Vec<(PathBuf, Vec<u8>)>> {
    files_under(dir)?
        .into_iter()
        .filter(|p| !p.components().any(|c| c.as_os_str() == "target"))
        .map(|p| Ok((p.clone(), fs::read(&p)?)))
        .collect()
}
