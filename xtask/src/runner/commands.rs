//! The runner's one-shot commands. None of them prompts, so each works the
//! same from a script, in CI or in a terminal.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use crate::classroom::report::civil_from_days;

use anyhow::{Context, Result, anyhow};

use super::check::{Checker, Outcome, render};
use super::hints::hints;
use super::pages::page_link;
use super::pick;
use super::progress::{Loaded, Progress};
use crate::workbook::{Exercise, Workbook};

pub fn load_progress(workbook: &Workbook) -> Progress {
    let (progress, loaded) = Progress::load(&workbook.root);
    if let Loaded::Repaired(aside) = loaded {
        eprintln!(
            "note: the progress file could not be read; it was moved to {} and progress starts afresh \
             (run `cargo xtask check NAME` to record solved exercises again)",
            aside.display()
        );
    }
    progress
}

pub fn status(workbook: &Workbook) -> Result<()> {
    let progress = load_progress(workbook);
    let total = workbook.exercises.len();
    let solved = progress.solved(workbook);
    match progress.current(workbook) {
        Some(e) => {
            println!("Current exercise: {} ({})", e.name, e.title);
            println!("  crate:   {}/", e.dir().display());
            println!("  run:     {}  (or cargo xtask check)", e.command());
            println!("  page:    {}", page_link(workbook, e));
        }
        None => println!("Every exercise is done."),
    }
    println!("Progress: {solved}/{total} done");
    Ok(())
}

/// Runs one exercise; records it as done when it passes.
pub fn check(workbook: &Workbook, name: Option<&str>, limit: Duration) -> Result<ExitCode> {
    let mut progress = load_progress(workbook);
    let exercise = pick(workbook, &progress, name)?;
    println!(
        "Checking {} ({}/)...",
        exercise.name,
        exercise.dir().display()
    );
    let outcome = Checker::new(workbook, limit).run(exercise)?;
    println!("{}", render(&outcome));
    progress.record_check(exercise);
    if !matches!(outcome, Outcome::Passed { .. }) {
        progress.save()?;
        return Ok(ExitCode::FAILURE);
    }
    let next = progress.pass(workbook, exercise);
    progress.save()?;
    match next {
        Some(next) => println!(
            "\nNext: {} ({}/)\nRead its page first: {}",
            next.name,
            next.dir().display(),
            page_link(workbook, next)
        ),
        None => println!("\nThat was the last one: every exercise is done."),
    }
    Ok(ExitCode::SUCCESS)
}

/// Reveals one more hint.
pub fn hint(workbook: &Workbook, name: Option<&str>) -> Result<()> {
    let mut progress = load_progress(workbook);
    let exercise = pick(workbook, &progress, name)?;
    println!("{}", next_hint(workbook, &mut progress, exercise)?);
    Ok(())
}

/// The next hint's text (and records it as shown), or a note that there
/// are no more.
pub fn next_hint(
    workbook: &Workbook,
    progress: &mut Progress,
    exercise: &Exercise,
) -> Result<String> {
    let all = hints(&workbook.root, exercise);
    let shown = progress.hints.get(&exercise.name).copied().unwrap_or(0);
    if shown >= all.len() {
        let then = if has_solution(workbook, exercise) {
            format!(
                "Once the tests pass, compare with `cargo xtask solution {}`.",
                exercise.name
            )
        } else {
            "Re-read the page, and the test that fails first: its message says what was \
             expected."
                .to_owned()
        };
        return Ok(format!(
            "No more hints for {}: all {} are shown. {then}",
            exercise.name,
            all.len(),
        ));
    }
    progress.hints.insert(exercise.name.clone(), shown + 1);
    progress.save()?;
    Ok(format!(
        "Hint {} of {} for {}:\n\n{}",
        shown + 1,
        all.len(),
        exercise.name,
        all[shown]
    ))
}

/// Restores the starter's version of the learner-edited files (the
/// exercise's `edits`) from git, after backing up the learner's version.
pub fn reset(workbook: &Workbook, name: &str) -> Result<()> {
    let mut progress = load_progress(workbook);
    let exercise = pick(workbook, &progress, Some(name))?;
    match reset_exercise(workbook, &mut progress, exercise)? {
        Reset::AlreadyStarter => println!(
            "{} is already the starter: nothing to reset, nothing saved.",
            exercise.name
        ),
        Reset::BackedUp(backup) => {
            println!("Reset {} to its starter.", exercise.name);
            println!("Your version is saved in {}", backup.display());
        }
    }
    Ok(())
}

/// What a reset did.
pub enum Reset {
    /// Every learner-edited file was already the starter's: nothing was
    /// written or saved.
    AlreadyStarter,
    /// The starter is back; the learner's files that differed from it are
    /// saved in this directory.
    BackedUp(PathBuf),
}

/// Restores the starter, backing up the files that differ from it, and
/// records the exercise as not done: its code is the starter again.
pub fn reset_exercise(
    workbook: &Workbook,
    progress: &mut Progress,
    exercise: &Exercise,
) -> Result<Reset> {
    let root = &workbook.root;
    let mut changed = Vec::new();
    for file in learner_files(exercise) {
        let starter = workbook
            .committed(&file)
            .context("reset takes the starter from the git checkout")?
            .ok_or_else(|| anyhow!("{} is not in the git checkout's HEAD", file.display()))?;
        if fs::read(root.join(&file)).ok().as_deref() != Some(starter.as_slice()) {
            changed.push((file, starter));
        }
    }
    progress.done.remove(&exercise.name);
    progress.save()?;
    if changed.is_empty() {
        return Ok(Reset::AlreadyStarter);
    }
    let backup = backup_dir(root, &exercise.name);
    for (file, _) in &changed {
        let source = root.join(file);
        if source.exists() {
            let saved = backup.join(file);
            fs::create_dir_all(saved.parent().context("a file has a directory")?)?;
            fs::copy(&source, &saved).with_context(|| format!("back up {}", file.display()))?;
        }
    }
    for (file, text) in changed {
        fs::write(root.join(&file), text).with_context(|| format!("restore {}", file.display()))?;
    }
    Ok(Reset::BackedUp(backup))
}

/// A new folder under `.workbook/backups/` named after the exercise and
/// the UTC time: `countdown-2026-12-01T07-30-12Z` (`-2`, `-3`... after it
/// when that one exists).
fn backup_dir(root: &Path, name: &str) -> PathBuf {
    let now = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    let base = root
        .join(".workbook")
        .join("backups")
        .join(format!("{name}-{}", utc_stamp(now)));
    let mut dir = base.clone();
    let mut n = 1;
    while dir.exists() {
        n += 1;
        dir = base.with_file_name(format!(
            "{}-{n}",
            base.file_name().unwrap_or_default().to_string_lossy()
        ));
    }
    dir
}

/// A Unix time as `2026-12-01T07-30-12Z`: ISO 8601 with `-` for `:`, which
/// some file systems refuse in names.
fn utc_stamp(time: u64) -> String {
    let time = i64::try_from(time).unwrap_or(0);
    let (year, month, day) = civil_from_days(time.div_euclid(86_400));
    let seconds = time.rem_euclid(86_400);
    format!(
        "{year:04}-{month:02}-{day:02}T{:02}-{:02}-{:02}Z",
        seconds / 3600,
        seconds % 3600 / 60,
        seconds % 60
    )
}

/// The files the learner edits, from the exercise's metadata, relative to
/// the workbook root. A student copy without `solutions/` has them too.
fn learner_files(exercise: &Exercise) -> Vec<PathBuf> {
    exercise
        .edits
        .iter()
        .map(|f| exercise.dir().join(f))
        .collect()
}

/// Whether this copy of the workbook has the exercise's solution (a
/// student copy has none).
fn has_solution(workbook: &Workbook, exercise: &Exercise) -> bool {
    workbook.root.join(exercise.solution_dir()).is_dir()
}

/// Shows the solution once the exercise passes (or earlier with `force`),
/// as a diff against the learner's files when `diff` is set.
pub fn solution(workbook: &Workbook, name: &str, force: bool, diff: bool) -> Result<ExitCode> {
    let progress = load_progress(workbook);
    let exercise = pick(workbook, &progress, Some(name))?;
    if !has_solution(workbook, exercise) {
        let instead = if progress.is_done(exercise) {
            "Yours passes every test.".to_owned()
        } else {
            format!(
                "Take a hint with `cargo xtask hint {}`, or ask your instructor.",
                exercise.name
            )
        };
        eprintln!(
            "This copy of the workbook has no solutions ({} is not in it), so there is \
             none to show. {instead}",
            exercise.solution_dir().display(),
        );
        return Ok(ExitCode::FAILURE);
    }
    if !progress.is_done(exercise) {
        if !force {
            eprintln!(
                "{} is not solved yet, so its solution stays hidden. Take a hint with \
                 `cargo xtask hint {}`, or pass --force to look anyway.",
                exercise.name, exercise.name
            );
            return Ok(ExitCode::FAILURE);
        }
        eprintln!(
            "warning: showing the solution of {}, which is not solved yet.\n",
            exercise.name
        );
    }
    for file in learner_files(exercise) {
        let relative = file
            .strip_prefix(exercise.dir())
            .expect("under the exercise");
        let solved = exercise.solution_dir().join(relative);
        if diff {
            let status = Command::new("git")
                .args(["--no-pager", "diff", "--no-index", "--"])
                .arg(&file)
                .arg(&solved)
                .current_dir(&workbook.root)
                .status()
                .context("run git diff")?;
            if status.code() == Some(0) {
                println!("{}: the same as the solution", file.display());
            }
        } else {
            println!("==> {} <==", solved.display());
            println!("{}", fs::read_to_string(workbook.root.join(&solved))?);
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// Progress by chapter: each exercise is done, current or pending.
pub fn list(workbook: &Workbook) {
    print!("{}", list_text(workbook, &load_progress(workbook)));
}

pub fn list_text(workbook: &Workbook, progress: &Progress) -> String {
    let current = progress.current(workbook).map(|e| e.name.clone());
    let width = workbook
        .exercises
        .iter()
        .map(|e| e.name.len())
        .max()
        .unwrap_or(0);
    let mut text = String::new();
    let mut chapter = "";
    for exercise in &workbook.exercises {
        if exercise.chapter() != chapter {
            chapter = exercise.chapter();
            text.push_str(&format!("{chapter}\n"));
        }
        let state = if progress.is_done(exercise) {
            "done"
        } else if current.as_deref() == Some(exercise.name.as_str()) {
            "current"
        } else {
            "pending"
        };
        text.push_str(&format!(
            "  {state:<7}  {:<width$}  {}/  {}\n",
            exercise.name,
            exercise.dir().display(),
            exercise.command()
        ));
    }
    text.push_str(&format!(
        "{}/{} done\n",
        progress.solved(workbook),
        workbook.exercises.len()
    ));
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backup_stamps_are_readable_utc_times() {
        assert_eq!(utc_stamp(0), "1970-01-01T00-00-00Z");
        assert_eq!(utc_stamp(1_796_110_212), "2026-12-01T07-30-12Z");
    }
}
