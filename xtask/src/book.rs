//! `cargo xtask book`: builds the book with mdBook as a library, with the
//! workbook's own preprocessors: exercise boxes with their hints, starters
//! shown as shipped, and diagrams that open full size.

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use anyhow::{Context, Result};
use mdbook_driver::MDBook;
use mdbook_driver::book::{Book, BookItem};
use mdbook_driver::builtin_preprocessors::{IndexPreprocessor, LinkPreprocessor};
use mdbook_driver::config::Config;
use mdbook_driver::errors::Error;
use mdbook_preprocessor::{Preprocessor, PreprocessorContext};
use regex::Regex;
use tracing::field::{Field, Visit};
use tracing::{Event, Level, Subscriber};
use tracing_subscriber::layer::{Context as LayerContext, Layer, SubscriberExt};

use self::quiz::Quizzes;
use self::schedule::{Schedule, Schedules};
use self::shipped::ShippedIncludes;
use crate::workbook::{Exercise, Workbook};

pub mod quiz;
pub mod schedule;
mod shipped;

pub struct BuiltBook {
    /// The HTML output directory.
    pub html: PathBuf,
    /// Warnings and errors mdBook reported while building.
    pub warnings: Vec<String>,
}

/// Builds the book of `workbook` into `book/book` (or `dest`).
///
/// The preprocessors run in this order: the exercise boxes, the instructor
/// guide's schedules, the starters as shipped (before mdBook's `links`
/// reads the included files), the quizzes, `links`, `index`, then the
/// diagram links.
pub fn build(workbook: &Workbook, dest: Option<&Path>) -> Result<BuiltBook> {
    let warnings = Arc::new(Mutex::new(Vec::new()));
    let subscriber = tracing_subscriber::registry().with(WarningCollector {
        warnings: warnings.clone(),
    });
    let html = tracing::subscriber::with_default(subscriber, || -> Result<PathBuf> {
        let book_dir = workbook.book_dir();
        let mut config =
            Config::from_disk(book_dir.join("book.toml")).context("read book/book.toml")?;
        config.update_from_env()?;
        // mdBook's own preprocessors are added below, in the order we need.
        config.build.use_default_preprocessors = false;
        if let Some(dest) = dest {
            config.build.build_dir = dest.to_path_buf();
        }
        let schedule = Schedule::load(workbook)?;
        let mut book = MDBook::load_with_config(&book_dir, config).context("load the book")?;
        let quizzes = Quizzes::default();
        book.with_preprocessor(ExerciseBoxes {
            root: workbook.root.clone(),
            exercises: workbook.exercises.clone(),
        })
        .with_preprocessor(Schedules { schedule })
        .with_preprocessor(ShippedIncludes::new(workbook))
        .with_preprocessor(quizzes.clone())
        .with_preprocessor(LinkPreprocessor::new())
        .with_preprocessor(IndexPreprocessor::new())
        .with_preprocessor(DiagramLinks);
        book.build().context("build the book")?;
        let html = book.build_dir_for("html");
        // The answers are in the page, encoded; not next to it in plain text.
        for file in quizzes.files.lock().expect("quiz files lock").iter() {
            let _ = std::fs::remove_file(html.join(file));
        }
        Ok(html)
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

/// The `book.toml` table of the exercise boxes' settings.
const BOXES: &str = "workbook-exercises";

/// Replaces `{{#exercise name}}` with a box generated from the exercise's
/// metadata and hints, so the title, path, command and hints on the page
/// cannot drift.
///
/// The box links the crate's folder where the book is read:
/// - from the checkout (`book/book/...` under `file://`), a relative link
///   reaches `exercises/NN/MM/` and the browser lists the folder;
/// - served by `cargo xtask serve` or `start`, the same relative link
///   resolves to `/exercises/NN/MM/`, which the server answers with the
///   folder's listing and README;
/// - on a static host there is no checkout: `theme/workbook.js` switches the
///   link to the repository's copy when `book.toml` sets
///   `[preprocessor.workbook-exercises] crate-url` (a template with
///   `{path}`), and to plain text when it does not.
struct ExerciseBoxes {
    root: PathBuf,
    exercises: Vec<Exercise>,
}

impl ExerciseBoxes {
    fn render(&self, name: &str, page: &Path, crate_url: Option<&str>) -> Option<String> {
        let e = self.exercises.iter().find(|e| e.name == name)?;
        let dir = format!("{}/", e.dir().display()).replace('\\', "/");
        // From the page's HTML file up to the book's output, then from
        // `book/book/` up to the workbook root.
        let depth = page.parent().map_or(0, |p| p.components().count());
        let local = format!("{}{dir}", "../".repeat(depth + 2));
        let remote = crate_url
            .map(|url| format!(" data-remote=\"{}\"", escape(&url.replace("{path}", &dir))))
            .unwrap_or_default();
        // A student copy (`cargo xtask handout`) has no solutions/: the box
        // must not promise one there.
        let afterwards = if self.root.join(e.solution_dir()).is_dir() {
            format!(
                "<li>Afterwards: <code>cargo xtask solution {}</code> shows the solution and why it works</li>\n",
                escape(&e.name)
            )
        } else {
            String::new()
        };
        let mut html = format!(
            "<div class=\"exercise-box\">\n\
             <p class=\"exercise-title\"><strong>Exercise: {title}</strong> (about {minutes} minutes)</p>\n\
             <ul>\n\
             <li>Crate: <a class=\"exercise-crate\" href=\"{local}\"{remote}><code>{dir}</code></a>: start with its <code>README.md</code></li>\n\
             <li>Run: <code>{command}</code></li>\n\
             {afterwards}\
             </ul>\n",
            title = code_spans(&e.title),
            minutes = e.minutes,
            command = escape(&e.command()),
        );
        html.push_str(&hint_blocks(&crate::runner::hints::hints(&self.root, e)));
        html.push_str("\n</div>\n");
        Some(html)
    }
}

/// Hints, collapsed and nested: hint 2 is inside hint 1, so each opens only
/// after the one before it. The hints are markdown.
fn hint_blocks(hints: &[String]) -> String {
    let mut html = String::new();
    for (n, hint) in hints.iter().enumerate() {
        html.push_str(&format!(
            "\n<details class=\"hint\"><summary>Hint {} of {}</summary>\n\n{hint}\n",
            n + 1,
            hints.len()
        ));
    }
    html.push_str(&"\n</details>".repeat(hints.len()));
    html
}

/// `text` as HTML, with `backticked` parts as code.
fn code_spans(text: &str) -> String {
    text.split('`')
        .enumerate()
        .map(|(i, part)| match i % 2 {
            1 => format!("<code>{}</code>", escape(part)),
            _ => escape(part),
        })
        .collect()
}

fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

impl Preprocessor for ExerciseBoxes {
    fn name(&self) -> &str {
        BOXES
    }

    fn run(&self, ctx: &PreprocessorContext, mut book: Book) -> Result<Book, Error> {
        let crate_url: Option<String> =
            ctx.config.get(&format!("preprocessor.{BOXES}.crate-url"))?;
        let directive = exercise_directive();
        let mut unknown = Vec::new();
        book.for_each_mut(|item| {
            let BookItem::Chapter(chapter) = item else {
                return;
            };
            let page = chapter.path.clone().unwrap_or_default();
            chapter.content = directive
                .replace_all(&chapter.content, |caps: &regex::Captures| {
                    self.render(&caps[1], &page, crate_url.as_deref())
                        .unwrap_or_else(|| {
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

/// Makes every diagram (`<img class="diagram" ...>`) a link to its SVG, so a
/// reader on a narrow screen can open it full size; the link is also the
/// box the diagram scrolls in (see `theme/workbook.css`).
struct DiagramLinks;

impl Preprocessor for DiagramLinks {
    fn name(&self) -> &str {
        "workbook-diagrams"
    }

    fn run(&self, _ctx: &PreprocessorContext, mut book: Book) -> Result<Book, Error> {
        // Attribute values may contain `>` (an alt text about `Pin<&mut T>`).
        let img = Regex::new(r#"<img(?:\s+[\w-]+="[^"]*")*\s*/?>"#).expect("valid regex");
        let class = Regex::new(r#"\sclass="diagram""#).expect("valid regex");
        let src = Regex::new(r#"\ssrc="([^"]+)""#).expect("valid regex");
        book.for_each_mut(|item| {
            let BookItem::Chapter(chapter) = item else {
                return;
            };
            chapter.content = img
                .replace_all(&chapter.content, |caps: &regex::Captures| {
                    let tag = &caps[0];
                    match src.captures(tag).filter(|_| class.is_match(tag)) {
                        Some(target) => format!(
                            "<a class=\"diagram-link\" href=\"{}\" title=\"Open the diagram full size\">{tag}</a>",
                            &target[1]
                        ),
                        None => tag.to_owned(),
                    }
                })
                .into_owned();
        });
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_title_keeps_its_code_and_escapes_the_rest() {
        assert_eq!(
            code_spans("Call and `.await` a `Pin<&mut T>` & more"),
            "Call and <code>.await</code> a <code>Pin&lt;&amp;mut T&gt;</code> &amp; more"
        );
    }

    #[test]
    fn each_hint_opens_inside_the_one_before() {
        let html = hint_blocks(&["First.".to_owned(), "Second.".to_owned()]);
        let first = html.find("Hint 1 of 2").expect("hint 1");
        let second = html.find("Hint 2 of 2").expect("hint 2");
        let first_close = html.find("</details>").expect("a close");
        assert!(first < second && second < first_close, "{html}");
        assert_eq!(html.matches("</details>").count(), 2, "{html}");
        assert!(hint_blocks(&[]).is_empty());
    }
}
