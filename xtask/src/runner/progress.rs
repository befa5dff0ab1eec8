//! The learner's progress, keyed by exercise name, in one gitignored file:
//! `.workbook/progress.json`. A missing, corrupt or outdated file is
//! rebuilt, never a crash; names of exercises that no longer exist are kept
//! (an exercise may come back after a `git pull`) but ignored.

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};
use std::time::{SystemTime, UNIX_EPOCH};

use anyhow::{Context, Result};
use serde::{Deserialize, Serialize};

use crate::workbook::{Exercise, Workbook};

#[derive(Debug, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct Progress {
    /// Solved exercises, with the Unix time they first passed.
    pub done: BTreeMap<String, u64>,
    /// How many hints each exercise has revealed.
    pub hints: BTreeMap<String, usize>,
    /// The exercise the learner chose with "next", if any.
    pub current: Option<String>,
    #[serde(skip)]
    path: PathBuf,
}

/// What a learner should know about how the progress file was read.
pub enum Loaded {
    Fresh,
    Read,
    /// The file could not be read; it was moved aside to this path.
    Repaired(PathBuf),
}

impl Progress {
    pub fn file(root: &Path) -> PathBuf {
        root.join(".workbook").join("progress.json")
    }

    pub fn load(root: &Path) -> (Self, Loaded) {
        let path = Self::file(root);
        let Ok(text) = fs::read_to_string(&path) else {
            return (Self::empty(path), Loaded::Fresh);
        };
        match serde_json::from_str::<Progress>(&text) {
            Ok(mut progress) => {
                progress.path = path;
                (progress, Loaded::Read)
            }
            Err(_) => {
                let aside = path.with_extension(format!("corrupt-{}", now()));
                let _ = fs::rename(&path, &aside);
                (Self::empty(path), Loaded::Repaired(aside))
            }
        }
    }

    fn empty(path: PathBuf) -> Self {
        Self {
            path,
            ..Self::default()
        }
    }

    pub fn save(&self) -> Result<()> {
        let dir = self
            .path
            .parent()
            .context("progress file has a directory")?;
        fs::create_dir_all(dir)?;
        // Write then rename, so an interrupted save never leaves half a file.
        let partial = self.path.with_extension("json.partial");
        fs::write(&partial, serde_json::to_string_pretty(self)?)?;
        fs::rename(&partial, &self.path).context("save progress")
    }

    pub fn is_done(&self, exercise: &Exercise) -> bool {
        self.done.contains_key(&exercise.name)
    }

    pub fn mark_done(&mut self, exercise: &Exercise) {
        self.done.entry(exercise.name.clone()).or_insert_with(now);
    }

    /// The exercise to work on: the one chosen with "next" while it is not
    /// solved, else the first unsolved one in learning order.
    pub fn current<'a>(&self, workbook: &'a Workbook) -> Option<&'a Exercise> {
        let chosen = self.current.as_deref().and_then(|name| workbook.find(name));
        chosen
            .filter(|e| !self.is_done(e))
            .or_else(|| workbook.exercises.iter().find(|e| !self.is_done(e)))
    }

    /// How many of the workbook's exercises are solved.
    pub fn solved(&self, workbook: &Workbook) -> usize {
        workbook
            .exercises
            .iter()
            .filter(|e| self.is_done(e))
            .count()
    }
}

fn now() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0)
}
