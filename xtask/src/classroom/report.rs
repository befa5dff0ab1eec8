//! `cargo xtask report DIR [--csv FILE]`: the class's progress, from a
//! folder of the files students wrote with `cargo xtask progress --export`.
//!
//! A file that cannot be trusted (damaged or not JSON, another format or
//! version, impossible values such as more hints than the exercise has, a
//! negative or future time) is named and skipped as a whole, and so is a
//! second file for a student already read. An exercise this workbook does
//! not have is named and its entry skipped. Nothing is skipped silently,
//! and nothing crashes the report: the totals count exactly the students
//! listed.

use std::collections::{BTreeMap, HashMap};
use std::fmt::Write as _;
use std::fs;
use std::path::Path;
use std::process::ExitCode;

use anyhow::{Context, Result};
use serde_json::Value;

use super::export::{ExerciseProgress, ExportFile, FORMAT, VERSION, check_name};
use crate::runner::hints::hints;
use crate::runner::progress::now;
use crate::workbook::Workbook;

/// Times before this (2024-01-01) were not written by the workbook.
const EARLIEST: i64 = 1_704_067_200;
/// How far a student's clock may run ahead of the instructor's.
const CLOCK_SLACK: i64 = 3600;

pub struct Student {
    pub name: String,
    /// The file it was read from.
    pub file: String,
    /// Known exercises only.
    pub exercises: BTreeMap<String, ExerciseProgress>,
}

impl Student {
    fn entry(&self, exercise: &str) -> Option<&ExerciseProgress> {
        self.exercises.get(exercise)
    }

    /// The student's most recent check, and of which exercise.
    fn last_check(&self) -> Option<(i64, &str)> {
        self.exercises
            .iter()
            .filter_map(|(name, e)| Some((e.last_check?, name.as_str())))
            .max()
    }
}

/// What a folder of progress files says.
pub struct Class {
    pub students: Vec<Student>,
    /// `file: why`, for each file skipped as a whole.
    pub skipped: Vec<String>,
    /// `file: why`, for each entry skipped in a file that was read.
    pub ignored: Vec<String>,
}

/// The workbook's exercises with how many hints each has, in learning order.
pub struct Exercises(Vec<(String, usize)>);

impl Exercises {
    pub fn of(workbook: &Workbook) -> Self {
        Self(
            workbook
                .exercises
                .iter()
                .map(|e| (e.name.clone(), hints(&workbook.root, e).len()))
                .collect(),
        )
    }

    fn hints(&self, name: &str) -> Option<usize> {
        self.0.iter().find(|(n, _)| n == name).map(|(_, h)| *h)
    }

    fn names(&self) -> impl Iterator<Item = &str> {
        self.0.iter().map(|(n, _)| n.as_str())
    }
}

/// Reads every entry of `dir`, in file-name order.
pub fn read_class(exercises: &Exercises, dir: &Path, now: i64) -> Result<Class> {
    let mut entries: Vec<_> = fs::read_dir(dir)
        .with_context(|| format!("read the folder {}", dir.display()))?
        .collect::<Result<_, _>>()?;
    entries.sort_by_key(|entry| entry.file_name());
    let mut class = Class {
        students: Vec::new(),
        skipped: Vec::new(),
        ignored: Vec::new(),
    };
    let mut seen: HashMap<String, String> = HashMap::new();
    for entry in entries {
        let file = entry.file_name().to_string_lossy().into_owned();
        let path = entry.path();
        if path.is_dir() {
            class.skipped.push(format!("{file}/: a folder, not read"));
            continue;
        }
        if path.extension().is_none_or(|e| e != "json") {
            class
                .skipped
                .push(format!("{file}: not a .json progress file, not read"));
            continue;
        }
        let text = match fs::read(&path).map(String::from_utf8) {
            Ok(Ok(text)) => text,
            Ok(Err(_)) => {
                class.skipped.push(format!("{file}: not text (damaged?)"));
                continue;
            }
            Err(error) => {
                class
                    .skipped
                    .push(format!("{file}: cannot be read: {error}"));
                continue;
            }
        };
        match parse(&text, exercises, now) {
            Err(why) => class.skipped.push(format!("{file}: {why}")),
            Ok((name, known, unknown)) => {
                let key = name
                    .split_whitespace()
                    .collect::<Vec<_>>()
                    .join(" ")
                    .to_lowercase();
                if let Some(first) = seen.get(&key) {
                    class.skipped.push(format!(
                        "{file}: a second file for {name}, already read from {first}; skipped \
                         (remove the one that is out of date)"
                    ));
                    continue;
                }
                seen.insert(key, file.clone());
                class
                    .ignored
                    .extend(unknown.into_iter().map(|why| format!("{file}: {why}")));
                class.students.push(Student {
                    name,
                    file,
                    exercises: known,
                });
            }
        }
    }
    Ok(class)
}

type Parsed = (String, BTreeMap<String, ExerciseProgress>, Vec<String>);

/// One file's student and known entries, plus notes on entries skipped;
/// or why the whole file cannot be trusted.
fn parse(text: &str, exercises: &Exercises, now: i64) -> Result<Parsed, String> {
    let value: Value =
        serde_json::from_str(text).map_err(|e| format!("not valid JSON (damaged?): {e}"))?;
    if value.get("format").and_then(Value::as_str) != Some(FORMAT) {
        return Err(format!(
            "not a workbook progress file (no \"format\": \"{FORMAT}\")"
        ));
    }
    match value.get("version").and_then(Value::as_u64) {
        Some(VERSION) => {}
        Some(other) => {
            return Err(format!(
                "progress file version {other}; this workbook reads version {VERSION}"
            ));
        }
        None => return Err("its \"version\" is missing or not a number".to_owned()),
    }
    let file: ExportFile =
        serde_json::from_value(value).map_err(|e| format!("unexpected contents: {e}"))?;
    check_name(&file.student)?;
    check_time("its export time", file.exported, now)?;
    let mut known = BTreeMap::new();
    let mut unknown = Vec::new();
    for (name, entry) in file.exercises {
        let Some(available) = exercises.hints(&name) else {
            unknown.push(format!(
                "unknown exercise `{name}` (not in this workbook); its entry is skipped"
            ));
            continue;
        };
        check_entry(&name, &entry, available, file.exported, now)?;
        known.insert(name, entry);
    }
    Ok((file.student.trim().to_owned(), known, unknown))
}

fn check_entry(
    name: &str,
    entry: &ExerciseProgress,
    available: usize,
    exported: i64,
    now: i64,
) -> Result<(), String> {
    if entry.hints < 0 {
        return Err(format!(
            "{name}: {} hints used, a negative count",
            entry.hints
        ));
    }
    if entry.hints as u64 > available as u64 {
        return Err(format!(
            "{name}: {} hints used, but it has only {available}",
            entry.hints
        ));
    }
    if entry.done && !entry.tried {
        return Err(format!("{name}: done but never tried"));
    }
    match entry.last_check {
        None if entry.tried => Err(format!("{name}: tried but no time of its last check")),
        Some(_) if !entry.tried => Err(format!("{name}: a last check but never tried")),
        Some(time) => {
            check_time(&format!("{name}: its last check"), time, now)?;
            if time > exported {
                return Err(format!(
                    "{name}: its last check ({}) is after the file was exported ({})",
                    utc(time),
                    utc(exported)
                ));
            }
            Ok(())
        }
        None => Ok(()),
    }
}

fn check_time(what: &str, time: i64, now: i64) -> Result<(), String> {
    if time < 0 {
        return Err(format!("{what} is a negative time ({time})"));
    }
    if time < EARLIEST {
        return Err(format!("{what} ({}) is before 2024", utc(time)));
    }
    if time > now + CLOCK_SLACK {
        return Err(format!("{what} ({}) is in the future", utc(time)));
    }
    Ok(())
}

pub fn run(workbook: &Workbook, dir: &Path, csv: Option<&Path>) -> Result<ExitCode> {
    let exercises = Exercises::of(workbook);
    let class = read_class(&exercises, dir, now() as i64)?;
    print!("{}", text(&exercises, &class));
    if let Some(csv_file) = csv {
        fs::write(csv_file, self::csv(&exercises, &class))
            .with_context(|| format!("write {}", csv_file.display()))?;
        println!("\nCSV written to {}", csv_file.display());
    }
    Ok(if class.students.is_empty() {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    })
}

/// A cell of the table: `done`, `tried` (ran its tests, not passing yet)
/// or `-`, and `hN` when N hints were used.
fn cell(entry: Option<&ExerciseProgress>) -> String {
    let Some(entry) = entry else {
        return "-".to_owned();
    };
    let state = if entry.done {
        "done"
    } else if entry.tried {
        "tried"
    } else {
        "-"
    };
    match entry.hints {
        0 => state.to_owned(),
        n => format!("{state} h{n}"),
    }
}

struct Summary<'a> {
    done: usize,
    stuck: Vec<&'a str>,
    hints: i64,
}

fn summary<'a>(class: &'a Class, exercise: &str) -> Summary<'a> {
    let mut summary = Summary {
        done: 0,
        stuck: Vec::new(),
        hints: 0,
    };
    for student in &class.students {
        let Some(entry) = student.entry(exercise) else {
            continue;
        };
        if entry.done {
            summary.done += 1;
        } else if entry.tried {
            summary.stuck.push(&student.name);
        }
        summary.hints += entry.hints;
    }
    summary
}

pub fn text(exercises: &Exercises, class: &Class) -> String {
    let mut out = String::new();
    let read = class.students.len();
    let _ = writeln!(
        out,
        "Class progress: {} read, {} skipped{}\n",
        count(read, "student"),
        count(class.skipped.len(), "file"),
        if class.skipped.is_empty() {
            ""
        } else {
            " (listed at the end)"
        }
    );
    if read > 0 {
        let total = exercises.0.len();
        let width = class
            .students
            .iter()
            .map(|s| s.name.len())
            .max()
            .unwrap_or(0);
        out.push_str("Students:\n");
        for (n, student) in class.students.iter().enumerate() {
            let done = student.exercises.values().filter(|e| e.done).count();
            let last = match student.last_check() {
                Some((time, exercise)) => format!("last check {} ({exercise})", utc(time)),
                None => "no check yet".to_owned(),
            };
            let _ = writeln!(
                out,
                "  {:>2}  {:<width$}  {done:>2}/{total} done, {last}  [{}]",
                n + 1,
                student.name,
                student.file
            );
        }
        out.push('\n');
        let name_width = exercises.names().map(str::len).max().unwrap_or(0).max(8);
        let cells: Vec<Vec<String>> = exercises
            .names()
            .map(|e| class.students.iter().map(|s| cell(s.entry(e))).collect())
            .collect();
        let cell_width = cells
            .iter()
            .flatten()
            .map(String::len)
            .max()
            .unwrap_or(0)
            .max(read.to_string().len());
        let _ = write!(out, "{:<name_width$}", "exercise");
        for n in 1..=read {
            let _ = write!(out, "  {n:<cell_width$}");
        }
        let _ = writeln!(out, "  | done  stuck  hints");
        for (exercise, row) in exercises.names().zip(&cells) {
            let s = summary(class, exercise);
            let _ = write!(out, "{exercise:<name_width$}");
            for cell in row {
                let _ = write!(out, "  {cell:<cell_width$}");
            }
            let _ = writeln!(
                out,
                "  | {:>4}  {:>5}  {:>5}",
                s.done,
                s.stuck.len(),
                s.hints
            );
        }
        out.push_str(
            "\nColumns are the students above. done: passes; tried: its tests ran but do not \
             pass yet; -: not tried; hN: N hints used.\nstuck = tried but not done; hints = \
             hints used by the whole class.\n",
        );
        let stuck: Vec<String> = exercises
            .names()
            .filter_map(|e| {
                let s = summary(class, e);
                (!s.stuck.is_empty()).then(|| format!("  {e}: {}", s.stuck.join(", ")))
            })
            .collect();
        if !stuck.is_empty() {
            out.push_str("\nStuck (tried, not done):\n");
            for line in stuck {
                let _ = writeln!(out, "{line}");
            }
        }
    }
    if !class.ignored.is_empty() {
        out.push_str("\nEntries skipped (the rest of each file was read):\n");
        for line in &class.ignored {
            let _ = writeln!(out, "  {line}");
        }
    }
    if !class.skipped.is_empty() {
        out.push_str("\nFiles skipped (not counted anywhere above):\n");
        for line in &class.skipped {
            let _ = writeln!(out, "  {line}");
        }
    }
    out
}

/// One row per student and exercise, then one summary row per exercise
/// (student column `(class)`).
pub fn csv(exercises: &Exercises, class: &Class) -> String {
    let mut out = String::from("student,exercise,done,tried,hints,last_check_utc,stuck\n");
    for student in &class.students {
        for exercise in exercises.names() {
            let entry = student.entry(exercise);
            let done = entry.is_some_and(|e| e.done);
            let tried = entry.is_some_and(|e| e.tried);
            let _ = writeln!(
                out,
                "{},{exercise},{done},{tried},{},{},{}",
                quote(&student.name),
                entry.map_or(0, |e| e.hints),
                entry
                    .and_then(|e| e.last_check)
                    .map(utc)
                    .unwrap_or_default(),
                tried && !done
            );
        }
    }
    for exercise in exercises.names() {
        let s = summary(class, exercise);
        let _ = writeln!(
            out,
            "(class),{exercise},{},,{},,{}",
            s.done,
            s.hints,
            s.stuck.len()
        );
    }
    out
}

/// A CSV field, quoted when it needs to be. A leading `=`, `+`, `-` or `@`
/// gets a `'` so a spreadsheet does not run it as a formula.
fn quote(field: &str) -> String {
    let field = if field.starts_with(['=', '+', '-', '@']) {
        format!("'{field}")
    } else {
        field.to_owned()
    };
    if field.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", field.replace('"', "\"\""))
    } else {
        field
    }
}

/// `1 student`, `2 students`.
fn count(n: usize, noun: &str) -> String {
    match n {
        1 => format!("1 {noun}"),
        n => format!("{n} {noun}s"),
    }
}

/// A Unix time as `YYYY-MM-DD HH:MM UTC`.
pub fn utc(time: i64) -> String {
    let days = time.div_euclid(86_400);
    let seconds = time.rem_euclid(86_400);
    let (year, month, day) = civil_from_days(days);
    format!(
        "{year:04}-{month:02}-{day:02} {:02}:{:02} UTC",
        seconds / 3600,
        seconds % 3600 / 60
    )
}

/// The proleptic Gregorian date of a day count since 1970-01-01 (Howard
/// Hinnant's algorithm).
pub(crate) fn civil_from_days(days: i64) -> (i64, i64, i64) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    (year, month, day)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn times_are_shown_as_utc_dates() {
        assert_eq!(utc(0), "1970-01-01 00:00 UTC");
        assert_eq!(utc(951_782_400), "2000-02-29 00:00 UTC", "a leap day");
        assert_eq!(utc(1_796_123_456), "2026-12-01 11:10 UTC");
    }

    #[test]
    fn csv_fields_are_quoted_and_never_formulas() {
        assert_eq!(quote("Ada Lovelace"), "Ada Lovelace");
        assert_eq!(quote("Lovelace, Ada"), "\"Lovelace, Ada\"");
        assert_eq!(quote("Ada \"the first\""), "\"Ada \"\"the first\"\"\"");
        assert_eq!(quote("=HYPERLINK(1)"), "'=HYPERLINK(1)");
    }
}
