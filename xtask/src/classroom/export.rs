//! The progress file a student hands in: `cargo xtask progress --export
//! FILE --name NAME`. A small, versioned JSON file, written from the
//! runner's own record (`.workbook/progress.json`); the instructor's
//! `cargo xtask report` reads a folder of them. No server is involved: the
//! student sees exactly what they hand in.
//!
//! ```json
//! {
//!   "format": "async-rust-workbook-progress",
//!   "version": 1,
//!   "student": "Ada Lovelace",
//!   "exported": 1764570000,
//!   "exercises": {
//!     "countdown": { "done": false, "tried": true, "hints": 2, "last_check": 1764569000 }
//!   }
//! }
//! ```
//!
//! Times are Unix seconds. `tried`: its tests were run at least once;
//! `last_check`: when they last ran (absent when never).

use std::collections::BTreeMap;
use std::path::Path;

use anyhow::{Context, Result, bail};
use serde::{Deserialize, Serialize};

use crate::runner::commands::load_progress;
use crate::runner::hints::hints;
use crate::runner::progress::{Progress, now};
use crate::workbook::Workbook;

/// What the file says it is, so that a report can refuse anything else.
pub const FORMAT: &str = "async-rust-workbook-progress";
/// The version `report` reads; bump it when the fields change.
pub const VERSION: u64 = 1;

#[derive(Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ExportFile {
    pub format: String,
    pub version: u64,
    pub student: String,
    /// Signed, so that a hand-edited negative time is reported as such.
    pub exported: i64,
    pub exercises: BTreeMap<String, ExerciseProgress>,
}

#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ExerciseProgress {
    pub done: bool,
    pub tried: bool,
    pub hints: i64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_check: Option<i64>,
}

/// The longest student name accepted.
pub const MAX_NAME: usize = 100;

/// Checks a student's name: some text, one line, not too long.
pub fn check_name(name: &str) -> Result<(), String> {
    let trimmed = name.trim();
    if trimmed.is_empty() {
        return Err("the student name is empty".to_owned());
    }
    if trimmed.chars().count() > MAX_NAME {
        return Err(format!(
            "the student name is longer than {MAX_NAME} characters"
        ));
    }
    if trimmed.chars().any(char::is_control) {
        return Err("the student name contains control characters (a line break?)".to_owned());
    }
    Ok(())
}

/// The file's contents for this workbook and progress.
pub fn build(workbook: &Workbook, progress: &Progress, student: &str) -> ExportFile {
    let exercises = workbook
        .exercises
        .iter()
        .map(|exercise| {
            let done = progress.is_done(exercise);
            let last_check = progress.last_check(exercise);
            let available = hints(&workbook.root, exercise).len();
            let shown = progress.hints.get(&exercise.name).copied().unwrap_or(0);
            let entry = ExerciseProgress {
                done,
                tried: done || last_check.is_some(),
                // Hints removed since they were shown count as the ones left.
                hints: shown.min(available) as i64,
                last_check: last_check.map(|t| t as i64),
            };
            (exercise.name.clone(), entry)
        })
        .collect();
    ExportFile {
        format: FORMAT.to_owned(),
        version: VERSION,
        student: student.trim().to_owned(),
        exported: now() as i64,
        exercises,
    }
}

pub fn run(workbook: &Workbook, file: &Path, student: &str) -> Result<()> {
    if let Err(why) = check_name(student) {
        bail!("{why}: pass your name with --name \"First Last\"");
    }
    if file.is_dir() {
        bail!("{} is a folder: name the file to write", file.display());
    }
    let progress = load_progress(workbook);
    let export = build(workbook, &progress, student);
    let text = serde_json::to_string_pretty(&export)? + "\n";
    std::fs::write(file, text).with_context(|| format!("write {}", file.display()))?;
    let done = export.exercises.values().filter(|e| e.done).count();
    let tried = export.exercises.values().filter(|e| e.tried).count();
    println!(
        "Wrote {} for {}: {done} of {} exercises done, {tried} tried. Hand this file to your \
         instructor; it holds only your name and, per exercise, done, tried, hints used and \
         the time of the last check.",
        file.display(),
        export.student,
        export.exercises.len(),
    );
    Ok(())
}
