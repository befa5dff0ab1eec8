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

/// The packages of the scratch workspace whose builds verify removes when
/// it ends: the workbook's own crates. The scratch copy is made afresh on
/// every run, so the next run rebuilds them anyway; only the dependencies'
/// builds (tokio, futures, ...) are worth keeping.
pub fn own_packages(copy: &crate::workbook::Workbook) -> Vec<String> {
    let mut packages: Vec<String> = copy.exercises.iter().map(|e| e.name.clone()).collect();
    packages.extend(copy.tool_packages.iter().cloned());
    if copy.root.join("book-snippets").is_dir() {
        packages.push("book-snippets".to_owned());
    }
    packages
}

/// Removes the builds of `packages` from verify's target directory: the
/// main tree, Miri's (`miri/<triple>/`) and trybuild's (`tests/trybuild/`,
/// where the case programs and their project crates live too). What the
/// dependencies built stays, so the next run does not rebuild them.
pub fn clean_own_builds(
    scratch: &Path,
    target: &Path,
    packages: &[String],
    log: &Path,
) -> Result<()> {
    let mut trees = vec![(target.to_path_buf(), None)];
    for nested in [target.join("miri"), target.join("tests").join("trybuild")] {
        trees.push((nested.clone(), None));
        for triple in target_triples(&nested) {
            trees.push((nested.clone(), Some(triple)));
        }
    }
    for (at, (tree, triple)) in trees.into_iter().enumerate() {
        let profile = match &triple {
            Some(triple) => tree.join(triple).join("debug"),
            None => tree.join("debug"),
        };
        if !profile.is_dir() {
            continue;
        }
        let mut command = crate::process::cargo();
        command
            .arg("clean")
            .args(packages.iter().flat_map(|p| ["-p", p.as_str()]))
            .arg("--target-dir")
            .arg(&tree)
            .current_dir(scratch)
            .env_remove("CARGO_TARGET_DIR");
        if let Some(triple) = &triple {
            command.args(["--target", triple]);
        }
        // One log per tree: the last would overwrite the others.
        let log = log.with_extension(format!("{at}.log"));
        crate::process::run_bounded(&mut command, std::time::Duration::from_secs(120), &log)?;
        remove_trybuild_cases(&profile)?;
    }
    Ok(())
}

/// Target triples built under `dir` (`dir/<triple>/debug`).
fn target_triples(dir: &Path) -> Vec<String> {
    let Ok(entries) = fs::read_dir(dir) else {
        return Vec::new();
    };
    entries
        .filter_map(|entry| entry.ok())
        .filter(|entry| entry.file_name() != "debug" && entry.path().join("debug").is_dir())
        .filter_map(|entry| entry.file_name().into_string().ok())
        .collect()
}

/// Trybuild's case programs (`trybuild000`, ...) and the project crate it
/// wraps them in (`NAME-tests`): not workspace packages, so `cargo clean
/// -p` does not know them.
fn remove_trybuild_cases(profile: &Path) -> Result<()> {
    for dir in [
        profile.to_path_buf(),
        profile.join("deps"),
        profile.join(".fingerprint"),
    ] {
        let Ok(entries) = fs::read_dir(&dir) else {
            continue;
        };
        for entry in entries.filter_map(|entry| entry.ok()) {
            if !is_trybuild_case(&entry.file_name().to_string_lossy()) {
                continue;
            }
            let path = entry.path();
            if path.is_dir() {
                fs::remove_dir_all(&path)?;
            } else {
                fs::remove_file(&path)?;
            }
        }
    }
    Ok(())
}

/// `trybuild000-<hash>`, `trybuild000.d`, `hello_async_tests-<hash>`,
/// `hello-async-tests`: build output of trybuild's generated crates.
fn is_trybuild_case(file: &str) -> bool {
    let stem = file.split('.').next().unwrap_or(file);
    let base = match stem.rsplit_once('-') {
        Some((base, hash)) if hash.len() == 16 && hash.bytes().all(|b| b.is_ascii_hexdigit()) => {
            base
        }
        _ => stem,
    };
    let numbered = base
        .strip_prefix("trybuild")
        .is_some_and(|n| !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()));
    numbered || base.ends_with("-tests") || base.ends_with("_tests")
}

#[cfg(test)]
mod tests {
    use super::is_trybuild_case;

    #[test]
    fn knows_trybuild_output_from_dependencies() {
        for case in [
            "trybuild000-0123456789abcdef",
            "trybuild012.d",
            "hello_async_tests-0123456789abcdef",
            "hello-async-tests",
            "hello-async-tests-0123456789abcdef",
        ] {
            assert!(is_trybuild_case(case), "{case} is trybuild's");
        }
        for dependency in [
            "libtrybuild-0123456789abcdef.rlib",
            "trybuild-0123456789abcdef",
            "libfutures_test-0123456789abcdef.rlib",
            "tokio-test-0123456789abcdef",
        ] {
            assert!(
                !is_trybuild_case(dependency),
                "{dependency} is a dependency"
            );
        }
    }
}
