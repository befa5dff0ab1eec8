//! `cargo xtask book`: builds the book with mdBook as a library, with the
//! workbook's own preprocessor for exercise boxes.

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use anyhow::{Context, Result};
use mdbook_driver::MDBook;
use mdbook_driver::book::{Book, BookItem};
use mdbook_driver::errors::Error;
use mdbook_preprocessor::{Preprocessor, PreprocessorContext};
use regex::Regex;
use tracing::field::{Field, Visit};
use tracing::{Event, Level, Subscriber};
use tracing_subscriber::layer::{Context as LayerContext, Layer, SubscriberExt};

use crate::workbook::{Exercise, Workbook};

pub struct BuiltBook {
    /// The HTML output directory.
    pub html: PathBuf,
    /// Warnings and errors mdBook reported while building.
    pub warnings: Vec<String>,
}

/// Builds the book of `workbook` into `book/book` (or `dest`).
pub fn build(workbook: &Workbook, dest: Option<&Path>) -> Result<BuiltBook> {
    let warnings = Arc::new(Mutex::new(Vec::new()));
    let subscriber = tracing_subscriber::registry().with(WarningCollector {
        warnings: warnings.clone(),
    });
    let html = tracing::subscriber::with_default(subscriber, || -> Result<PathBuf> {
        let mut book = MDBook::load(workbook.book_dir()).context("load the book")?;
        if let Some(dest) = dest {
            book.config.build.build_dir = dest.to_path_buf();
        }
        book.with_preprocessor(ExerciseBoxes {
            exercises: workbook.exercises.clone(),
        });
        book.build().context("build the book")?;
        Ok(book.build_dir_for("html"))
    })?;
    let warnings = std::mem::take(&mut *warnings.lock().expect("warnings lock"));
    Ok(BuiltBook { html, warnings })
}

pub fn run(workbook: &Workbook) -> Result<()> {
    let built = build(workbook, None)?;
    for warning in &built.warnings {
        eprintln!("warning: {warning}");
    }
    println!(
        "book written to {}",
        built.html.join("index.html").display()
    );
    Ok(())
}

/// The pattern of the exercise box directive: `{{#exercise name}}`.
pub fn exercise_directive() -> Regex {
    Regex::new(r"\{\{#exercise\s+([A-Za-z0-9_-]+)\s*\}\}").expect("valid regex")
}

/// Replaces `{{#exercise name}}` with a box generated from the exercise's
/// metadata, so the title, path and command on the page cannot drift.
struct ExerciseBoxes {
    exercises: Vec<Exercise>,
}

impl ExerciseBoxes {
    fn render(&self, name: &str) -> Option<String> {
        let e = self.exercises.iter().find(|e| e.name == name)?;
        Some(format!(
            "<div class=\"exercise-box\">\n\n\
             **Exercise: {title}** (about {minutes} minutes)\n\n\
             - Crate: `{dir}/` (start with its `README.md`)\n\
             - Run: `{command}`\n\
             - Hints: in the crate's `README.md`, one at a time\n\
             - Afterwards: compare with `{solution}/`\n\n\
             </div>\n",
            title = e.title,
            minutes = e.minutes,
            dir = e.dir().display(),
            command = e.command(),
            solution = e.solution_dir().display(),
        ))
    }
}

impl Preprocessor for ExerciseBoxes {
    fn name(&self) -> &str {
        "workbook-exercises"
    }

    fn run(&self, _ctx: &PreprocessorContext, mut book: Book) -> Result<Book, Error> {
        let directive = exercise_directive();
        let mut unknown = Vec::new();
        book.for_each_mut(|item| {
            let BookItem::Chapter(chapter) = item else {
                return;
            };
            chapter.content = directive
                .replace_all(&chapter.content, |caps: &regex::Captures| {
                    self.render(&caps[1]).unwrap_or_else(|| {
                        unknown.push(format!("{}: {}", chapter.name, &caps[1]));
                        caps[0].to_owned()
                    })
                })
                .into_owned();
        });
        if !unknown.is_empty() {
            tracing::warn!(
                "exercise boxes name unknown exercises: {}",
                unknown.join(", ")
            );
        }
        Ok(book)
    }
}

/// Collects what mdBook logs at WARN level or above; the book must build
/// without any.
struct WarningCollector {
    warnings: Arc<Mutex<Vec<String>>>,
}

impl<S: Subscriber> Layer<S> for WarningCollector {
    fn on_event(&self, event: &Event<'_>, _ctx: LayerContext<'_, S>) {
        if *event.metadata().level() > Level::WARN {
            return;
        }
        let mut message = MessageText(String::new());
        event.record(&mut message);
        if let Ok(mut warnings) = self.warnings.lock() {
            warnings.push(message.0);
        }
    }
}

struct MessageText(String);

impl Visit for MessageText {
    fn record_debug(&mut self, field: &Field, value: &dyn std::fmt::Debug) {
        use std::fmt::Write as _;
        if !self.0.is_empty() {
            self.0.push(' ');
        }
        if field.name() == "message" {
            let _ = write!(self.0, "{value:?}");
        } else {
            let _ = write!(self.0, "{}={value:?}", field.name());
        }
    }
}
