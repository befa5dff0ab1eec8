//! Verify checks the workbook as shipped. A learner's checkout differs:
//! solved exercises, maybe no `solutions/` at all. This module finds what
//! differs, puts the files as committed into the scratch copy, and makes
//! sure the scratch copy does not outlive the run.

use std::fs;
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use anyhow::{Context, Result, bail};

use crate::workbook::Workbook;

/// Learner-edited files whose working-tree version differs from `HEAD`,
/// with their committed contents (`None`: not committed yet, so checked
/// as they are).
pub struct Edited {
    pub files: Vec<(PathBuf, Option<Vec<u8>>)>,
}

/// Refuses a copy without solutions, and lists the learner-edited files
/// that differ from git's `HEAD`. Outside a git checkout nothing is known
/// to differ, and the files are checked as they are.
pub fn learner_changes(workbook: &Workbook) -> Result<Edited> {
    if !workbook.root.join("solutions").is_dir() {
        bail!(
            "verify checks the workbook as shipped, each starter failing and each solution \
             passing, and this copy has no solutions/ folder (a student copy), so it cannot. \
             To run your own answers, use `cargo xtask check NAME` or `cargo test -p NAME`."
        );
    }
    let mut files = Vec::new();
    for exercise in &workbook.exercises {
        for edit in &exercise.edits {
            let file = exercise.dir().join(edit);
            let committed = match workbook.committed(&file) {
                Ok(committed) => committed,
                Err(_) => return Ok(Edited { files: Vec::new() }),
            };
            let now = fs::read(workbook.root.join(&file)).ok();
            if committed.is_some() && committed != now {
                files.push((file, committed));
            }
        }
    }
    Ok(Edited { files })
}

impl Edited {
    /// What verify checks, for the first lines of its output.
    pub fn describe(&self, working_tree: bool) -> Option<String> {
        if self.files.is_empty() {
            return None;
        }
        let list: Vec<String> = self
            .files
            .iter()
            .map(|(file, _)| format!("  {}", file.display()))
            .collect();
        Some(if working_tree {
            format!(
                "Checking {} learner-edited files as they are in your working tree, not as \
                 committed (--working-tree):\n{}",
                self.files.len(),
                list.join("\n")
            )
        } else {
            format!(
                "verify checks the workbook as shipped: {} learner-edited files differ from \
                 git HEAD (solved exercises, or uncommitted edits), so it checks HEAD's \
                 versions of them, not yours. Commit them, or pass --working-tree, to check \
                 them as they are:\n{}",
                self.files.len(),
                list.join("\n")
            )
        })
    }

    /// Writes the committed versions into the scratch copy.
    pub fn restore_into(&self, scratch: &Path) -> Result<()> {
        for (file, committed) in &self.files {
            if let Some(text) = committed {
                fs::write(scratch.join(file), text)
                    .with_context(|| format!("write {} into the scratch copy", file.display()))?;
            }
        }
        Ok(())
    }
}

/// Removes the scratch copy when dropped: at the end of the run, also
/// after an error. A watcher process removes it if this one is killed
/// (Ctrl-C) before it can.
pub struct ScratchGuard {
    dir: PathBuf,
}

/// The file in the scratch copy naming the process that owns it, so a
/// watcher never removes the copy of a later run.
const OWNER: &str = ".verify-owner";

impl ScratchGuard {
    /// Call once the scratch copy exists.
    pub fn new(dir: &Path) -> Self {
        let pid = std::process::id();
        let _ = fs::write(dir.join(OWNER), pid.to_string());
        // Polls for this process; once it is gone, removes the copy if
        // this process still owns it. Its own process group, so Ctrl-C in
        // the terminal does not stop it.
        let script = r#"while kill -0 "$1" 2>/dev/null; do sleep 1; done
if [ "$(cat "$2/.verify-owner" 2>/dev/null)" = "$1" ]; then rm -rf "$2"; fi"#;
        let _ = Command::new("sh")
            .args(["-c", script, "verify-cleanup", &pid.to_string()])
            .arg(dir)
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .process_group(0)
            .spawn();
        Self {
            dir: dir.to_path_buf(),
        }
    }
}

impl Drop for ScratchGuard {
    /// Removes the copy unless a later run has taken it over.
    fn drop(&mut self) {
        let owner = fs::read_to_string(self.dir.join(OWNER)).unwrap_or_default();
        if owner == std::process::id().to_string() {
            let _ = fs::remove_dir_all(&self.dir);
        }
    }
}
