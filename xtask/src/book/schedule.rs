//! Timings for teaching: how long each page takes to read and each exercise
//! takes to solve, summed per chapter and per course plan.
//!
//! One computation, [`Schedule::load`], feeds two renderings: the book's
//! directives and `cargo xtask schedule`.
//!
//! - `{{#schedule NN-chapter}}` becomes a table of the chapter's pages and
//!   exercises, with totals; `{{#schedule all}}` a table of the chapters.
//! - `{{#schedule-total ARG ...}}` becomes one line of totals for a course
//!   plan. Each argument is a chapter (`01-futures`: all its pages and
//!   exercises) or an exercise's package name (`countdown`: its page, its
//!   minutes, and its chapter's overview page).
//!
//! Exercise times are the `minutes` of each exercise's metadata. Reading
//! times are computed from the page's source: prose at
//! [`PROSE_WORDS_PER_MINUTE`], code at [`CODE_SECONDS_PER_LINE`] for each
//! non-empty line shown (included files are counted as shown; lines hidden
//! with `# ` are not), rounded up to whole minutes per page. A diagram
//! counts as the words of its description (its `alt` text). A quiz counts
//! the words of its questions, options and explanations, and the lines of
//! its programs.

use std::collections::BTreeSet;
use std::fmt::Write as _;
use std::fs;
use std::path::Path;

use anyhow::{Context, Result, bail};
use mdbook_driver::book::{Book, BookItem};
use mdbook_driver::errors::Error;
use mdbook_preprocessor::{Preprocessor, PreprocessorContext};
use regex::Regex;

use crate::workbook::{Exercise, Workbook};

/// How fast a learner reads the prose of a page, in words a minute: slower
/// than light reading, since every paragraph carries an idea.
pub const PROSE_WORDS_PER_MINUTE: u32 = 200;
/// How long a learner spends on each non-empty line of code shown.
pub const CODE_SECONDS_PER_LINE: u32 = 5;

/// One sentence that says how the numbers are made, for both renderings.
pub fn method() -> String {
    format!(
        "Reading times are computed from each page's text: {PROSE_WORDS_PER_MINUTE} words \
         of prose a minute and {CODE_SECONDS_PER_LINE} seconds for each line of code shown \
         (on a quiz page: its questions, answers, explanations and programs), rounded up to \
         whole minutes per page. Exercise times are the `minutes` in each \
         exercise's metadata, the same number its exercise box shows."
    )
}

/// What a page asks of its reader.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Text {
    pub words: u32,
    pub code_lines: u32,
}

impl Text {
    pub fn minutes(self) -> u32 {
        let seconds = (self.words * 60).div_ceil(PROSE_WORDS_PER_MINUTE)
            + self.code_lines * CODE_SECONDS_PER_LINE;
        seconds.div_ceil(60).max(1)
    }
}

/// Counts the words of prose and the lines of code of a page's markdown.
/// `include` returns the text a `{{#include spec}}` shows, if it resolves.
pub fn measure(markdown: &str, include: &dyn Fn(&str) -> Option<String>) -> Text {
    let directive = Regex::new(r"^\s*\{\{#(?:include|rustdoc_include)\s+([^}\s]+)\s*\}\}\s*$")
        .expect("valid regex");
    let quiz = Regex::new(r"^\s*\{\{#quiz\s+([^}\s]+)\s*\}\}\s*$").expect("valid regex");
    let mut text = Text::default();
    // The open fence's marker and whether it is Rust (hidden `# ` lines).
    let mut fence: Option<(String, bool)> = None;
    for line in markdown.lines() {
        let trimmed = line.trim_start();
        let marker = fence_marker(trimmed);
        match (&fence, marker) {
            (None, Some(marker)) => {
                let info = trimmed.trim_start_matches(marker.chars().next().unwrap_or('`'));
                let rust = info
                    .split(',')
                    .next()
                    .is_some_and(|lang| lang.trim() == "rust");
                fence = Some((marker, rust));
                continue;
            }
            (Some((open, _)), Some(marker)) if trimmed.trim_end() == marker && marker == *open => {
                fence = None;
                continue;
            }
            _ => {}
        }
        let included = directive.captures(line).map(|caps| include(&caps[1]));
        match &fence {
            Some((_, rust)) => {
                let shown = match included {
                    Some(Some(file)) => file,
                    Some(None) => continue,
                    None => line.to_owned(),
                };
                text.code_lines += shown
                    .lines()
                    .filter(|l| !l.trim().is_empty())
                    .filter(|l| !(*rust && is_hidden(l)))
                    .count() as u32;
            }
            None => {
                if let Some(caps) = quiz.captures(line) {
                    let quiz_text = measure_quiz(&include(&caps[1]).unwrap_or_default(), include);
                    text.words += quiz_text.words;
                    text.code_lines += quiz_text.code_lines;
                    continue;
                }
                if line.contains("{{#") && included.is_none() {
                    continue; // another directive: an exercise box, a schedule
                }
                let shown = included.flatten().unwrap_or_else(|| line.to_owned());
                text.words += count_words(&shown);
            }
        }
    }
    text
}

/// What a quiz file (`{{#quiz quiz.toml}}`) shows: the words of its
/// prompts, options and explanations, and the lines of its programs.
fn measure_quiz(toml: &str, include: &dyn Fn(&str) -> Option<String>) -> Text {
    let program = Regex::new(r#"^\s*program\s*=\s*"([^"]+)""#).expect("valid regex");
    let hidden = Regex::new(r"^\s*(#|\[|(id|correct|compiles|multiple|prints|error)\s*=)")
        .expect("valid regex");
    let mut text = Text::default();
    for line in toml.lines() {
        if let Some(caps) = program.captures(line) {
            text.code_lines += include(&caps[1]).map_or(0, |code| {
                code.lines().filter(|l| !l.trim().is_empty()).count() as u32
            });
        } else if !hidden.is_match(line) {
            text.words += count_words(line);
        }
    }
    text
}

/// The marker of a code fence (three or more backticks or tildes).
fn fence_marker(line: &str) -> Option<String> {
    let first = line.chars().next().filter(|c| *c == '`' || *c == '~')?;
    let marker: String = line.chars().take_while(|c| *c == first).collect();
    (marker.len() >= 3).then_some(marker)
}

/// A line of a Rust block that mdBook compiles but hides.
fn is_hidden(line: &str) -> bool {
    let trimmed = line.trim_start();
    trimmed == "#" || trimmed.starts_with("# ")
}

fn count_words(text: &str) -> u32 {
    text.split_whitespace()
        .filter(|w| w.chars().any(char::is_alphanumeric))
        .count() as u32
}

/// The text `{{#include spec}}` shows, `spec` relative to `dir`: a whole
/// file, an anchor (`file:name`) or lines (`file:3`, `file:3:`, `file:3:9`,
/// `file::9`), as mdBook reads them.
pub fn included_text(dir: &Path, spec: &str) -> Option<String> {
    let mut parts = spec.splitn(2, ':');
    let file = fs::read_to_string(dir.join(parts.next()?)).ok()?;
    let Some(selector) = parts.next() else {
        return Some(file);
    };
    let lines: Vec<&str> = file.lines().collect();
    let numbers: Vec<&str> = selector.split(':').collect();
    if numbers
        .iter()
        .all(|n| n.chars().all(|c| c.is_ascii_digit()))
    {
        let number = |n: Option<&&str>| n.and_then(|n| n.parse::<usize>().ok());
        let start = number(numbers.first()).unwrap_or(1).max(1) - 1;
        let end = match numbers.len() {
            1 => start + 1,
            _ => number(numbers.get(1)).unwrap_or(lines.len()),
        }
        .min(lines.len());
        return Some(lines.get(start..end.max(start))?.join("\n"));
    }
    let start = format!("ANCHOR: {selector}");
    let end = format!("ANCHOR_END: {selector}");
    let from = lines.iter().position(|l| l.trim_end().ends_with(&start))?;
    let to = lines.iter().position(|l| l.trim_end().ends_with(&end))?;
    let shown = lines.get(from + 1..to)?;
    Some(
        shown
            .iter()
            .filter(|l| !l.contains("ANCHOR"))
            .copied()
            .collect::<Vec<_>>()
            .join("\n"),
    )
}

/// A page of a chapter, with its reading time.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Page {
    pub title: String,
    /// Relative to the book's `src/`: `01-futures/02-countdown.md`.
    pub path: String,
    pub reading: u32,
}

/// An exercise's timing, from its metadata.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Task {
    pub name: String,
    pub minutes: u32,
}

/// One line of a chapter's schedule: a page, its exercise, or both.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Row {
    /// `None` for an exercise whose page is not in the book yet.
    pub page: Option<Page>,
    pub exercise: Option<Task>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Chapter {
    /// `NN-chapter`.
    pub slug: String,
    pub title: String,
    pub rows: Vec<Row>,
}

/// Reading and exercise minutes, summed.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Totals {
    pub reading: u32,
    pub exercises: u32,
}

impl Totals {
    pub fn all(self) -> u32 {
        self.reading + self.exercises
    }
}

impl Chapter {
    pub fn totals(&self) -> Totals {
        Totals {
            reading: self
                .rows
                .iter()
                .filter_map(|r| r.page.as_ref())
                .map(|p| p.reading)
                .sum(),
            exercises: self
                .rows
                .iter()
                .filter_map(|r| r.exercise.as_ref())
                .map(|t| t.minutes)
                .sum(),
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Schedule {
    /// In book order.
    pub chapters: Vec<Chapter>,
}

impl Schedule {
    /// Reads `SUMMARY.md`, every chapter page it lists and the exercises'
    /// metadata.
    pub fn load(workbook: &Workbook) -> Result<Self> {
        let src = workbook.book_src();
        let summary =
            fs::read_to_string(src.join("SUMMARY.md")).context("read book/src/SUMMARY.md")?;
        let reading = |path: &str| -> Option<u32> {
            let file = src.join(path);
            let markdown = fs::read_to_string(&file).ok()?;
            let dir = file.parent()?.to_path_buf();
            Some(measure(&markdown, &|spec| included_text(&dir, spec)).minutes())
        };
        Ok(Self::build(&summary, &reading, &workbook.exercises))
    }

    /// The schedule from `SUMMARY.md`'s text, a page's reading minutes by
    /// path, and the exercises. Chapters are the folders `NN-name/` of the
    /// summary's pages and of the exercises; a chapter's title is its
    /// `index.md` entry's.
    pub fn build(
        summary: &str,
        reading: &dyn Fn(&str) -> Option<u32>,
        exercises: &[Exercise],
    ) -> Self {
        let entry = Regex::new(r"\[([^\]]+)\]\(([^)\s]+\.md)\)").expect("valid regex");
        let chapter_dir = Regex::new(r"^(\d\d-[a-z0-9-]+)/").expect("valid regex");
        let mut chapters: Vec<Chapter> = Vec::new();
        let chapter = |slug: &str, chapters: &mut Vec<Chapter>| -> usize {
            match chapters.iter().position(|c| c.slug == slug) {
                Some(i) => i,
                None => {
                    chapters.push(Chapter {
                        slug: slug.to_owned(),
                        title: slug.to_owned(),
                        rows: Vec::new(),
                    });
                    chapters.len() - 1
                }
            }
        };
        for caps in entry.captures_iter(summary) {
            let path = caps[2].trim_start_matches("./").to_owned();
            let Some(slug) = chapter_dir.captures(&path).map(|c| c[1].to_owned()) else {
                continue;
            };
            let i = chapter(&slug, &mut chapters);
            let title = caps[1].replace('`', "");
            if path.ends_with("/index.md") {
                chapters[i].title.clone_from(&title);
            }
            let slug_of_page = path.trim_end_matches(".md");
            let exercise = exercises.iter().find(|e| e.slug == slug_of_page).map(task);
            chapters[i].rows.push(Row {
                page: Some(Page {
                    reading: reading(&path).unwrap_or(0),
                    title,
                    path,
                }),
                exercise,
            });
        }
        // Exercises whose page the book does not list yet still count.
        for e in exercises {
            let i = chapter(e.chapter(), &mut chapters);
            let listed = chapters[i]
                .rows
                .iter()
                .any(|r| r.exercise.as_ref().is_some_and(|t| t.name == e.name));
            if !listed {
                chapters[i].rows.push(Row {
                    page: None,
                    exercise: Some(task(e)),
                });
            }
        }
        chapters.sort_by(|a, b| a.slug.cmp(&b.slug));
        Self { chapters }
    }

    pub fn chapter(&self, slug: &str) -> Option<&Chapter> {
        self.chapters.iter().find(|c| c.slug == slug)
    }

    /// The chapter an argument of `{{#schedule-total}}` belongs to: a
    /// chapter's slug or an exercise's name.
    pub fn chapter_of(&self, arg: &str) -> Option<&Chapter> {
        self.chapter(arg).or_else(|| {
            self.chapters.iter().find(|c| {
                c.rows
                    .iter()
                    .any(|r| r.exercise.as_ref().is_some_and(|t| t.name == arg))
            })
        })
    }

    /// The part of the schedule a course plan names: each argument is a
    /// whole chapter or one exercise (with its page and its chapter's
    /// overview page). A page or an exercise named twice is kept once.
    pub fn selection(&self, args: &[&str]) -> Result<Schedule> {
        let mut rows: BTreeSet<(usize, usize)> = BTreeSet::new();
        for arg in args {
            let Some(c) = self
                .chapter_of(arg)
                .and_then(|found| self.chapters.iter().position(|x| x.slug == found.slug))
            else {
                bail!("`{arg}` is neither a chapter (NN-name) nor an exercise's name");
            };
            let chapter = &self.chapters[c];
            for (r, row) in chapter.rows.iter().enumerate() {
                let whole = chapter.slug == *arg;
                let named = row.exercise.as_ref().is_some_and(|t| t.name == *arg);
                let overview = row
                    .page
                    .as_ref()
                    .is_some_and(|p| p.path.ends_with("/index.md"));
                if whole || named || overview {
                    rows.insert((c, r));
                }
            }
        }
        let mut chapters: Vec<Chapter> = Vec::new();
        for (c, r) in rows {
            let from = &self.chapters[c];
            if chapters.last().is_none_or(|last| last.slug != from.slug) {
                chapters.push(Chapter {
                    slug: from.slug.clone(),
                    title: from.title.clone(),
                    rows: Vec::new(),
                });
            }
            if let Some(last) = chapters.last_mut() {
                last.rows.push(from.rows[r].clone());
            }
        }
        Ok(Schedule { chapters })
    }

    /// The totals of a course plan (see [`Schedule::selection`]).
    pub fn select(&self, args: &[&str]) -> Result<Totals> {
        Ok(self.selection(args)?.totals())
    }

    pub fn totals(&self) -> Totals {
        self.chapters.iter().fold(Totals::default(), |sum, c| {
            let t = c.totals();
            Totals {
                reading: sum.reading + t.reading,
                exercises: sum.exercises + t.exercises,
            }
        })
    }
}

fn task(e: &Exercise) -> Task {
    Task {
        name: e.name.clone(),
        minutes: e.minutes,
    }
}

/// `95` as `1 h 35 min`, `40` as `40 min`.
pub fn duration(minutes: u32) -> String {
    match (minutes / 60, minutes % 60) {
        (0, m) => format!("{m} min"),
        (h, 0) => format!("{h} h"),
        (h, m) => format!("{h} h {m} min"),
    }
}

/// The one line of a plan's totals.
pub fn totals_line(totals: Totals) -> String {
    format!(
        "{} (reading {}, exercises {})",
        duration(totals.all()),
        duration(totals.reading),
        duration(totals.exercises)
    )
}

/// The chapter's table, as markdown; `to_src` leads from the page that
/// shows it to the book's `src/` (`../` from `instructors/`).
pub fn chapter_markdown(chapter: &Chapter, to_src: &str) -> String {
    let mut out =
        String::from("| page | reading | exercise | solving |\n| --- | ---: | --- | ---: |\n");
    for row in &chapter.rows {
        let page = match &row.page {
            Some(p) => format!("[{}]({to_src}{})", p.title, p.path),
            None => "(page not written yet)".to_owned(),
        };
        let reading = row
            .page
            .as_ref()
            .map(|p| duration(p.reading))
            .unwrap_or_default();
        let (name, minutes) = match &row.exercise {
            Some(t) => (format!("`{}`", t.name), duration(t.minutes)),
            None => (String::new(), String::new()),
        };
        let _ = writeln!(out, "| {page} | {reading} | {name} | {minutes} |");
    }
    let t = chapter.totals();
    let _ = writeln!(
        out,
        "| **total: {}** | **{}** | | **{}** |",
        duration(t.all()),
        duration(t.reading),
        duration(t.exercises)
    );
    out
}

/// One row per chapter, and the whole course, as markdown, followed by
/// how the numbers are made.
pub fn all_markdown(schedule: &Schedule, to_src: &str) -> String {
    let mut out = String::from(
        "| chapter | reading | exercises | together |\n| --- | ---: | ---: | ---: |\n",
    );
    for c in &schedule.chapters {
        let t = c.totals();
        let title = match c.rows.iter().filter_map(|r| r.page.as_ref()).next() {
            Some(first) => format!("[{}]({to_src}{})", c.title, first.path),
            None => c.title.clone(),
        };
        let _ = writeln!(
            out,
            "| {title} | {} | {} | {} |",
            duration(t.reading),
            duration(t.exercises),
            duration(t.all())
        );
    }
    let t = schedule.totals();
    let _ = writeln!(
        out,
        "| **the whole course** | **{}** | **{}** | **{}** |",
        duration(t.reading),
        duration(t.exercises),
        duration(t.all())
    );
    let _ = write!(out, "\n{}\n", method());
    out
}

/// The chapter's table, as plain text for the terminal.
pub fn chapter_text(chapter: &Chapter) -> String {
    let cells: Vec<[String; 4]> = chapter
        .rows
        .iter()
        .map(|row| {
            let (page, reading) = match &row.page {
                Some(p) => (p.path.clone(), duration(p.reading)),
                None => ("(page not written yet)".to_owned(), String::new()),
            };
            let (name, minutes) = match &row.exercise {
                Some(t) => (t.name.clone(), duration(t.minutes)),
                None => (String::new(), String::new()),
            };
            [page, reading, name, minutes]
        })
        .collect();
    let width = |i: usize| cells.iter().map(|c| c[i].len()).max().unwrap_or(0);
    let (page, reading, name, minutes) = (width(0), width(1), width(2), width(3));
    let mut out = format!("{} ({})\n", chapter.title, chapter.slug);
    for [p, r, n, m] in &cells {
        let line = format!("  {p:<page$}  {r:>reading$}  {n:<name$}  {m:>minutes$}");
        let _ = writeln!(out, "{}", line.trim_end());
    }
    let _ = writeln!(out, "  total: {}", totals_line(chapter.totals()));
    out
}

/// `cargo xtask schedule [ARG...]`: every chapter, or the chapters and
/// exercises named, and their total as `{{#schedule-total}}` shows it.
pub fn run(workbook: &Workbook, args: &[String]) -> Result<()> {
    let schedule = Schedule::load(workbook)?;
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let shown = if args.is_empty() {
        schedule
    } else {
        schedule.selection(&args)?
    };
    println!("{}\n", method());
    for chapter in &shown.chapters {
        println!("{}", chapter_text(chapter));
    }
    let what = if args.is_empty() {
        "the whole course".to_owned()
    } else {
        args.join(" ")
    };
    println!("Total for {what}: {}", totals_line(shown.totals()));
    Ok(())
}

/// The directives, for the guide's checks in `verify`.
pub fn directive() -> Regex {
    Regex::new(r"\{\{#(schedule|schedule-total)\s+([^}]*?)\s*\}\}").expect("valid regex")
}

/// Replaces `{{#schedule ...}}` and `{{#schedule-total ...}}` in every page.
pub struct Schedules {
    pub schedule: Schedule,
}

impl Schedules {
    fn render(&self, kind: &str, args: &str, to_src: &str) -> Result<String, String> {
        let args: Vec<&str> = args.split_whitespace().collect();
        match (kind, args.as_slice()) {
            ("schedule", ["all"]) => Ok(all_markdown(&self.schedule, to_src)),
            ("schedule", [slug]) => self
                .schedule
                .chapter(slug)
                .map(|c| chapter_markdown(c, to_src))
                .ok_or_else(|| format!("no chapter is called `{slug}`")),
            ("schedule", _) => Err("`{{#schedule}}` takes one chapter, or `all`".to_owned()),
            (_, []) => Err("`{{#schedule-total}}` needs chapters or exercises".to_owned()),
            (_, args) => self
                .schedule
                .select(args)
                .map(totals_line)
                .map_err(|e| e.to_string()),
        }
    }
}

impl Preprocessor for Schedules {
    fn name(&self) -> &str {
        "workbook-schedule"
    }

    fn run(&self, _ctx: &PreprocessorContext, mut book: Book) -> Result<Book, Error> {
        let directive = directive();
        let mut problems = Vec::new();
        book.for_each_mut(|item| {
            let BookItem::Chapter(chapter) = item else {
                return;
            };
            let depth = chapter
                .path
                .as_deref()
                .and_then(Path::parent)
                .map_or(0, |p| p.components().count());
            let to_src = "../".repeat(depth);
            chapter.content = directive
                .replace_all(&chapter.content, |caps: &regex::Captures| {
                    self.render(&caps[1], &caps[2], &to_src)
                        .unwrap_or_else(|why| {
                            problems.push(format!("{}: {}: {why}", chapter.name, &caps[0]));
                            caps[0].to_owned()
                        })
                })
                .into_owned();
        });
        if !problems.is_empty() {
            tracing::warn!("schedule directives: {}", problems.join("; "));
        }
        Ok(book)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::workbook::Fails;

    fn exercise(slug: &str, name: &str, minutes: u32) -> Exercise {
        Exercise {
            name: name.to_owned(),
            slug: slug.to_owned(),
            title: name.to_owned(),
            fails: Fails::Test,
            starter_fails_with: String::new(),
            minutes,
            edits: Vec::new(),
            test_targets: Vec::new(),
            miri: false,
        }
    }

    const SUMMARY: &str = "# Summary\n\n[Introduction](introduction.md)\n\n\
        - [Futures](01-futures/index.md)\n  - [Lazy](01-futures/01-lazy.md)\n  \
        - [`poll` by hand](01-futures/02-countdown.md)\n\
        - [Pin](02-pin/index.md)\n  - [Self](02-pin/01-self-ref.md)\n\
        - [For instructors](instructors/index.md)\n";

    fn schedule() -> Schedule {
        let reading = |path: &str| match path {
            "01-futures/index.md" => Some(2),
            "01-futures/01-lazy.md" => Some(6),
            "01-futures/02-countdown.md" => Some(7),
            "02-pin/index.md" => Some(5),
            "02-pin/01-self-ref.md" => Some(8),
            _ => None,
        };
        let exercises = [
            exercise("01-futures/01-lazy", "lazy", 15),
            exercise("01-futures/02-countdown", "countdown", 20),
            exercise("02-pin/01-self-ref", "self-ref", 25),
            exercise("03-wakers/01-counting-waker", "counting-waker", 20),
        ];
        Schedule::build(SUMMARY, &reading, &exercises)
    }

    #[test]
    fn prose_and_code_are_timed_at_their_rates() {
        let words = "word ".repeat(400);
        assert_eq!(
            measure(&words, &|_| None),
            Text {
                words: 400,
                code_lines: 0
            }
        );
        assert_eq!(
            Text {
                words: 400,
                code_lines: 0
            }
            .minutes(),
            2,
            "400 words at 200 a minute"
        );
        assert_eq!(
            Text {
                words: 401,
                code_lines: 0
            }
            .minutes(),
            3,
            "a started minute counts"
        );
        assert_eq!(
            Text {
                words: 0,
                code_lines: 24
            }
            .minutes(),
            2,
            "24 lines at 5 seconds"
        );
        assert_eq!(
            Text {
                words: 100,
                code_lines: 12
            }
            .minutes(),
            2,
            "30 s + 60 s, rounded up"
        );
        assert_eq!(
            Text::default().minutes(),
            1,
            "an empty page still costs a minute"
        );
    }

    #[test]
    fn code_blocks_count_lines_shown_not_words_or_hidden_lines() {
        let page = "Two words.\n\n```rust\n# use std::pin::Pin;\nfn main() {\n\n    let many words here = 1;\n}\n```\n\n\
                    ```text\n# not hidden in text\n```\n";
        let text = measure(page, &|_| None);
        assert_eq!(
            text,
            Text {
                words: 2,
                code_lines: 4
            },
            "{page}"
        );
    }

    #[test]
    fn includes_count_as_what_they_show_and_boxes_not_at_all() {
        let page = "```rust\n{{#include src/lib.rs:poll}}\n```\n\n{{#exercise countdown}}\n\n\
                    {{#schedule 01-futures}}\n";
        let text = measure(page, &|spec| {
            assert_eq!(spec, "src/lib.rs:poll");
            Some("fn poll() {\n    todo!()\n}".to_owned())
        });
        assert_eq!(
            text,
            Text {
                words: 0,
                code_lines: 3
            }
        );
    }

    #[test]
    fn a_quiz_counts_its_questions_and_programs_not_its_keys() {
        let toml = "# a comment\n[[question]]\nid = \"lazy-order\"\nprompt = \"What does it print?\"\n\
                    program = \"quiz/lazy.rs\"\nprints = \"a b\"\n[[question.option]]\n\
                    correct = true\nwhy = \"\"\"\nBecause futures are lazy.\"\"\"\n";
        let page = "# Quiz\n\n{{#quiz quiz.toml}}\n";
        let text = measure(page, &|spec| match spec {
            "quiz.toml" => Some(toml.to_owned()),
            "quiz/lazy.rs" => Some("fn main() {\n\n    println!();\n}\n".to_owned()),
            other => panic!("unexpected include {other}"),
        });
        // "Quiz"; "prompt", "What does it print?"; "why"; "Because futures are lazy."
        assert_eq!(
            text,
            Text {
                words: 1 + 5 + 1 + 4,
                code_lines: 3
            }
        );
    }

    #[test]
    fn an_include_selects_anchors_and_line_ranges() {
        let dir = std::env::temp_dir().join(format!("schedule-test-{}", std::process::id()));
        fs::create_dir_all(&dir).expect("temp dir");
        fs::write(
            dir.join("f.rs"),
            "one\n// ANCHOR: a\ntwo\n// ANCHOR: inner\nthree\n// ANCHOR_END: inner\n// ANCHOR_END: a\nfour\n",
        )
        .expect("write");
        let shown = |spec: &str| included_text(&dir, spec);
        assert_eq!(shown("f.rs:a").as_deref(), Some("two\nthree"));
        assert_eq!(shown("f.rs:8:").as_deref(), Some("four"));
        assert_eq!(shown("f.rs:1").as_deref(), Some("one"));
        assert_eq!(shown("f.rs::1").as_deref(), Some("one"));
        assert_eq!(shown("f.rs:missing"), None);
        assert_eq!(shown("nothing.rs"), None);
        fs::remove_dir_all(&dir).expect("clean up");
    }

    #[test]
    fn chapters_follow_the_summary_and_keep_exercises_without_pages() {
        let s = schedule();
        let slugs: Vec<&str> = s.chapters.iter().map(|c| c.slug.as_str()).collect();
        assert_eq!(
            slugs,
            ["01-futures", "02-pin", "03-wakers"],
            "instructors/ is no chapter"
        );
        let futures = s.chapter("01-futures").expect("futures");
        assert_eq!(futures.title, "Futures");
        assert_eq!(
            futures.rows[2].page.as_ref().map(|p| p.title.as_str()),
            Some("poll by hand")
        );
        assert_eq!(
            futures.totals(),
            Totals {
                reading: 15,
                exercises: 35
            }
        );
        let wakers = s.chapter("03-wakers").expect("an exercise makes a chapter");
        assert_eq!(
            wakers.rows,
            [Row {
                page: None,
                exercise: Some(task(&exercise(
                    "03-wakers/01-counting-waker",
                    "counting-waker",
                    20
                )))
            }]
        );
        assert_eq!(
            s.totals(),
            Totals {
                reading: 28,
                exercises: 80
            }
        );
    }

    #[test]
    fn a_plan_sums_chapters_and_single_exercises_once() {
        let s = schedule();
        assert_eq!(
            s.select(&["01-futures"]).expect("chapter"),
            s.chapters[0].totals()
        );
        assert_eq!(
            s.select(&["countdown"]).expect("one exercise"),
            Totals {
                reading: 2 + 7,
                exercises: 20
            },
            "its page and its chapter's overview"
        );
        assert_eq!(
            s.select(&["01-futures", "countdown", "self-ref"])
                .expect("mixed"),
            Totals {
                reading: 15 + 5 + 8,
                exercises: 35 + 25
            }
        );
        let part = s.selection(&["self-ref", "countdown"]).expect("selection");
        let kept: Vec<(&str, usize)> = part
            .chapters
            .iter()
            .map(|c| (c.slug.as_str(), c.rows.len()))
            .collect();
        assert_eq!(
            kept,
            [("01-futures", 2), ("02-pin", 2)],
            "book order, overview included"
        );
        let unknown = s.select(&["nope"]).expect_err("unknown");
        assert!(unknown.to_string().contains("`nope`"), "{unknown}");
    }

    #[test]
    fn durations_read_as_hours_and_minutes() {
        assert_eq!(duration(40), "40 min");
        assert_eq!(duration(60), "1 h");
        assert_eq!(duration(95), "1 h 35 min");
        assert_eq!(
            totals_line(Totals {
                reading: 30,
                exercises: 65
            }),
            "1 h 35 min (reading 30 min, exercises 1 h 5 min)"
        );
    }

    #[test]
    fn the_chapter_table_links_its_pages_and_ends_with_totals() {
        let s = schedule();
        let table = chapter_markdown(s.chapter("01-futures").expect("futures"), "../");
        assert!(
            table.contains("| [Lazy](../01-futures/01-lazy.md) | 6 min | `lazy` | 15 min |"),
            "{table}"
        );
        assert!(
            table.contains("| [Futures](../01-futures/index.md) | 2 min |  |  |"),
            "{table}"
        );
        assert!(
            table
                .trim_end()
                .ends_with("| **total: 50 min** | **15 min** | | **35 min** |"),
            "{table}"
        );
        let wakers = chapter_markdown(s.chapter("03-wakers").expect("wakers"), "../");
        assert!(
            wakers.contains("(page not written yet) |  | `counting-waker` | 20 min |"),
            "{wakers}"
        );
        let text = chapter_text(s.chapter("01-futures").expect("futures"));
        assert!(
            text.ends_with("50 min (reading 15 min, exercises 35 min)\n"),
            "{text}"
        );
    }

    #[test]
    fn the_directives_render_and_name_what_they_cannot() {
        let boxes = Schedules {
            schedule: schedule(),
        };
        let all = boxes.render("schedule", "all", "../").expect("all");
        assert!(
            all.contains("| [Pin](../02-pin/index.md) | 13 min | 25 min | 38 min |"),
            "{all}"
        );
        assert!(
            all.contains("| **the whole course** | **28 min** | **1 h 20 min** | **1 h 48 min** |"),
            "{all}"
        );
        assert_eq!(
            boxes
                .render("schedule-total", "lazy  countdown", "../")
                .expect("total"),
            "50 min (reading 15 min, exercises 35 min)"
        );
        assert!(boxes.render("schedule", "09-nope", "").is_err());
        assert!(boxes.render("schedule", "01-futures 02-pin", "").is_err());
        assert!(boxes.render("schedule-total", "", "").is_err());
        let caps = directive();
        let found: Vec<(String, String)> = caps
            .captures_iter("a {{#schedule 01-futures}} b {{#schedule-total lazy 02-pin }}")
            .map(|c| (c[1].to_owned(), c[2].to_owned()))
            .collect();
        assert_eq!(
            found,
            [
                ("schedule".to_owned(), "01-futures".to_owned()),
                ("schedule-total".to_owned(), "lazy 02-pin".to_owned())
            ]
        );
    }
}
