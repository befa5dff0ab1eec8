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
    /// The Unix time of each exercise's last check, passed or not: an
    /// exercise with an entry was tried. Files written before this was
    /// recorded have none; their solved exercises were tried when they
    /// passed.
    pub checked: BTreeMap<String, u64>,
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

    /// Records that the exercise's tests ran now, whatever the outcome.
    pub fn record_check(&mut self, exercise: &Exercise) {
        self.checked.insert(exercise.name.clone(), now());
    }

    /// When the exercise was last checked: the recorded time, else (a file
    /// written before checks were recorded) when it first passed.
    pub fn last_check(&self, exercise: &Exercise) -> Option<u64> {
        self.checked
            .get(&exercise.name)
            .or_else(|| self.done.get(&exercise.name))
            .copied()
    }

    /// Records a pass, and moves on: the exercise after this one becomes
    /// the current one (`None` when every exercise is done).
    pub fn pass<'a>(
        &mut self,
        workbook: &'a Workbook,
        exercise: &Exercise,
    ) -> Option<&'a Exercise> {
        self.mark_done(exercise);
        let next = self.next_after(workbook, exercise);
        self.current = next.map(|e| e.name.clone());
        next
    }

    /// The first unsolved exercise after `exercise` in learning order,
    /// wrapping around to the first unsolved one; `None` when no other
    /// exercise is unsolved.
    pub fn next_after<'a>(
        &self,
        workbook: &'a Workbook,
        exercise: &Exercise,
    ) -> Option<&'a Exercise> {
        let list = &workbook.exercises;
        let at = list.iter().position(|e| e.name == exercise.name)?;
        list[at + 1..]
            .iter()
            .chain(&list[..at])
            .find(|e| !self.is_done(e))
    }

    /// The exercise to work on: the one chosen last (with "next", or by
    /// passing the one before) while it is not solved; once it is, the
    /// unsolved one after it; with no choice yet, the first unsolved one.
    pub fn current<'a>(&self, workbook: &'a Workbook) -> Option<&'a Exercise> {
        match self.current.as_deref().and_then(|name| workbook.find(name)) {
            Some(chosen) if !self.is_done(chosen) => Some(chosen),
            Some(chosen) => self.next_after(workbook, chosen),
            None => workbook.exercises.iter().find(|e| !self.is_done(e)),
        }
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

pub fn now() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0)
}
