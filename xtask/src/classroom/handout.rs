//! `cargo xtask handout DIR`: a student copy of the workbook. It holds the
//! files committed in git's `HEAD` (not the working tree: uncommitted edits
//! and untracked files stay out) minus `solutions/`, as a fresh git
//! repository with one commit, so a student can clone it and `reset` finds
//! the starters in its `HEAD`.
//!
//! Nothing else in the copy may reveal a solution: no page of the book may
//! include a file from `solutions/`, and no source may embed one with
//! `include_str!` or `include_bytes!` (the copy would not build anyway). The
//! book's exercise boxes stop naming `cargo xtask solution` in a copy that
//! has no `solutions/`.

use std::fs;
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::process::Command;

use anyhow::{Context, Result, bail};
use regex::Regex;

use crate::workbook::Workbook;

/// The folder a student copy leaves out.
pub const SOLUTIONS: &str = "solutions/";

/// A file as committed.
pub struct Tracked {
    /// Relative to the workbook root, with `/`.
    pub path: String,
    /// git's mode: `100644`, `100755`, `120000` (a symlink).
    mode: String,
    pub bytes: Vec<u8>,
}

impl Tracked {
    /// A plain file, for tests.
    #[cfg(test)]
    pub fn new(path: &str, bytes: &[u8]) -> Self {
        Self {
            path: path.to_owned(),
            mode: "100644".to_owned(),
            bytes: bytes.to_vec(),
        }
    }
}

/// What `write` did.
pub struct Written {
    /// The commit of the workbook the copy was taken from.
    pub source: String,
    pub files: usize,
    /// Files under `solutions/` left out.
    pub left_out: usize,
}

pub fn run(workbook: &Workbook, dest: &Path) -> Result<()> {
    let written = write(workbook, dest)?;
    println!(
        "Wrote a student copy of the workbook to {}: {} files committed in HEAD ({}), \
         without solutions/ ({} files left out), as a git repository with one commit.",
        dest.display(),
        written.files,
        short(&written.source),
        written.left_out
    );
    if has_uncommitted_changes(&workbook.root) {
        println!(
            "note: it holds the files as committed in HEAD; your uncommitted changes and \
             untracked files are not in it (see `git status`)."
        );
    }
    println!(
        "Students clone it (`git clone {} async-workbook`) and run `cargo xtask start` in it.",
        dest.display()
    );
    Ok(())
}

/// Writes the student copy into `dest`, which must be missing or empty.
pub fn write(workbook: &Workbook, dest: &Path) -> Result<Written> {
    check_destination(&workbook.root, dest)?;
    let tracked = committed_files(&workbook.root)?;
    let (left_out, kept): (Vec<Tracked>, Vec<Tracked>) = tracked
        .into_iter()
        .partition(|file| file.path.starts_with(SOLUTIONS));
    let problems = revealing_files(&kept);
    if !problems.is_empty() {
        bail!(
            "the workbook as committed would reveal solutions in a student copy, so none was \
             written:\n  {}",
            problems.join("\n  ")
        );
    }
    fs::create_dir_all(dest).with_context(|| format!("create {}", dest.display()))?;
    for file in &kept {
        write_file(dest, file)?;
    }
    let source = git(&workbook.root, &["rev-parse", "HEAD"])?;
    commit(dest, &source)?;
    Ok(Written {
        source,
        files: kept.len(),
        left_out: left_out.len(),
    })
}

/// Refuses a destination that has anything in it, or that lies inside the
/// workbook (the copy would become part of the workspace it copies).
fn check_destination(root: &Path, dest: &Path) -> Result<()> {
    if dest.exists() {
        if !dest.is_dir() {
            bail!("{} exists and is not a folder", dest.display());
        }
        if fs::read_dir(dest)?.next().is_some() {
            bail!(
                "{} is not empty: handout writes only into a new or empty folder, so it never \
                 overwrites anything",
                dest.display()
            );
        }
    }
    let absolute = absolute(dest)?;
    if absolute.starts_with(root) {
        bail!(
            "{} is inside the workbook ({}): write the student copy somewhere else",
            dest.display(),
            root.display()
        );
    }
    Ok(())
}

/// `path` made absolute, with its existing part resolved (symlinks too).
fn absolute(path: &Path) -> Result<PathBuf> {
    let path = std::env::current_dir()?.join(path);
    let mut existing = path.as_path();
    let mut rest = Vec::new();
    while !existing.exists() {
        rest.push(existing.file_name().context("a path with a name")?);
        existing = existing.parent().context("a path with a parent")?;
    }
    let mut resolved = existing.canonicalize()?;
    resolved.extend(rest.iter().rev());
    Ok(resolved)
}

/// Every file committed in `HEAD`, relative to the workbook root (which
/// may be a folder inside a larger repository).
pub fn committed_files(root: &Path) -> Result<Vec<Tracked>> {
    let listing = Command::new("git")
        .args(["ls-tree", "-r", "-z", "HEAD:./"])
        .current_dir(root)
        .output()
        .context("run git")?;
    if !listing.status.success() {
        bail!(
            "{} is not a git checkout with a commit, so there are no committed files to hand \
             out: {}",
            root.display(),
            String::from_utf8_lossy(&listing.stderr).trim()
        );
    }
    let mut files = Vec::new();
    for record in listing.stdout.split(|b| *b == 0).filter(|r| !r.is_empty()) {
        let record = String::from_utf8_lossy(record);
        let (meta, path) = record.split_once('\t').context("git ls-tree: a tab")?;
        let mut words = meta.split(' ');
        let (Some(mode), Some(kind), Some(object)) = (words.next(), words.next(), words.next())
        else {
            bail!("git ls-tree: unexpected line {record}");
        };
        if kind != "blob" {
            // A submodule: not part of the workbook's files.
            continue;
        }
        let blob = Command::new("git")
            .args(["cat-file", "blob", object])
            .current_dir(root)
            .output()
            .context("run git")?;
        if !blob.status.success() {
            bail!("git cat-file {object} ({path}) failed");
        }
        files.push(Tracked {
            path: path.to_owned(),
            mode: mode.to_owned(),
            bytes: blob.stdout,
        });
    }
    Ok(files)
}

/// Files that would reveal a solution even without `solutions/`: a book
/// page that includes one, a source that embeds one.
pub fn revealing_files(files: &[Tracked]) -> Vec<String> {
    let include = Regex::new(r"\{\{\s*#(?:include|rustdoc_include|playground)\s+([^}\s]+)")
        .expect("valid regex");
    let embed = Regex::new(r"include_(?:str|bytes)!\s*\(([^)]*)\)").expect("valid regex");
    let mut problems = Vec::new();
    for file in files {
        let Ok(text) = std::str::from_utf8(&file.bytes) else {
            continue;
        };
        let pattern = if file.path.ends_with(".md") {
            &include
        } else if file.path.ends_with(".rs") {
            &embed
        } else {
            continue;
        };
        for found in pattern.captures_iter(text) {
            if found[1].contains(SOLUTIONS.trim_end_matches('/')) {
                problems.push(format!(
                    "{}: `{}` reads from solutions/",
                    file.path, &found[0]
                ));
            }
        }
    }
    problems
}

fn write_file(dest: &Path, file: &Tracked) -> Result<()> {
    let target = dest.join(&file.path);
    if let Some(parent) = target.parent() {
        fs::create_dir_all(parent)?;
    }
    if file.mode == "120000" {
        let link = String::from_utf8_lossy(&file.bytes).into_owned();
        std::os::unix::fs::symlink(link, &target).with_context(|| format!("link {}", file.path))?;
        return Ok(());
    }
    fs::write(&target, &file.bytes).with_context(|| format!("write {}", file.path))?;
    if file.mode == "100755" {
        fs::set_permissions(&target, fs::Permissions::from_mode(0o755))?;
    }
    Ok(())
}

/// A new repository in `dest` with everything in one commit, by a fixed
/// author, whatever the instructor's git configuration says.
fn commit(dest: &Path, source: &str) -> Result<()> {
    let message = format!(
        "The async Rust workbook, student copy (no solutions)\n\nTaken from commit {source}."
    );
    git(dest, &["init", "-q", "-b", "main"])?;
    git(dest, &["add", "-A", "-f"])?;
    git(
        dest,
        &[
            "-c",
            "user.name=Async Rust Workbook",
            "-c",
            "user.email=workbook@localhost",
            "-c",
            "commit.gpgsign=false",
            "commit",
            "-q",
            "--no-verify",
            "-m",
            &message,
        ],
    )?;
    Ok(())
}

/// Runs git in `dir`; its trimmed output, or an error naming the command.
fn git(dir: &Path, args: &[&str]) -> Result<String> {
    let output = Command::new("git")
        .args(args)
        .current_dir(dir)
        .output()
        .context("run git")?;
    if !output.status.success() {
        bail!(
            "git {} in {} failed: {}",
            args.join(" "),
            dir.display(),
            String::from_utf8_lossy(&output.stderr).trim()
        );
    }
    Ok(String::from_utf8_lossy(&output.stdout).trim().to_owned())
}

fn has_uncommitted_changes(root: &Path) -> bool {
    git(root, &["status", "--porcelain", "--", "."]).is_ok_and(|status| !status.is_empty())
}

fn short(commit: &str) -> &str {
    &commit[..commit.len().min(12)]
}

#[cfg(test)]
mod tests {
    use super::*;

    fn file(path: &str, text: &str) -> Tracked {
        Tracked::new(path, text.as_bytes())
    }

    #[test]
    fn a_page_including_a_solution_or_a_source_embedding_one_reveals_it() {
        let files = [
            file(
                "book/src/01-a/01-b.md",
                "{{#include ../../../exercises/01-a/01-b/src/lib.rs:poll}}\n\
                 {{#include ../../../solutions/01-a/01-b/src/lib.rs}}\n",
            ),
            // Assembled, so that this file does not embed a solution itself.
            file(
                "xtask/src/x.rs",
                &[
                    "const A: &str = include",
                    "_str!(\"../../solutions/01-a/01-b/src/lib.rs\");\n",
                    "const B: &str = include",
                    "_str!(\"../README.md\");\n",
                ]
                .concat(),
            ),
            file(
                "README.md",
                "Compare with solutions/01-a/01-b/ afterwards.\n",
            ),
        ];
        let problems = revealing_files(&files);
        assert_eq!(problems.len(), 2, "one include, one embed: {problems:#?}");
        assert!(
            problems[0].starts_with("book/src/01-a/01-b.md"),
            "{problems:#?}"
        );
        assert!(problems[1].starts_with("xtask/src/x.rs"), "{problems:#?}");
    }
}
