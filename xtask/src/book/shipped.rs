//! Pages include exercise files with `{{#include}}` to show the starter.
//! Once a learner edits such a file, the page must still show the starter
//! as shipped, not the learner's code: this preprocessor, run before
//! mdBook's `links`, replaces each include of a learner-edited file (its
//! exercise's `edits`) with the lines taken from the file as committed in
//! git's `HEAD`. Without git, or when the file is not committed or is
//! unchanged, it leaves the include to mdBook, which reads the working tree.
//!
//! The lines are selected as mdBook does: the whole file, a line range
//! (`:3:10`, `:5:`, `::8`) or an anchor (`:name`, between `ANCHOR: name`
//! and `ANCHOR_END: name`, without any anchor lines); `rustdoc_include`
//! keeps the other lines, hidden with `# `.

use std::collections::HashMap;
use std::fs;
use std::path::{Component, Path, PathBuf};

use mdbook_driver::book::{Book, BookItem};
use mdbook_driver::errors::Error;
use mdbook_preprocessor::{Preprocessor, PreprocessorContext};
use regex::Regex;

use crate::workbook::Workbook;

pub struct ShippedIncludes {
    /// The workbook root, where the included paths are resolved.
    root: PathBuf,
    /// The learner-edited files (relative to the root) whose committed
    /// version differs from the working tree, with that version.
    shipped: HashMap<PathBuf, String>,
}

impl ShippedIncludes {
    pub fn new(workbook: &Workbook) -> Self {
        let shipped = workbook
            .exercises
            .iter()
            .flat_map(|e| e.edits.iter().map(|file| e.dir().join(file)))
            .filter_map(|file| {
                let committed = workbook.committed(&file).ok()??;
                let committed = String::from_utf8(committed).ok()?;
                let current = fs::read_to_string(workbook.root.join(&file)).ok();
                (current.as_deref() != Some(committed.as_str())).then_some((file, committed))
            })
            .collect();
        ShippedIncludes {
            root: workbook.root.clone(),
            shipped,
        }
    }

    /// The shipped text of the file that `target` names, if it is a
    /// learner-edited file that was changed.
    fn shipped(&self, target: &Path) -> Option<&str> {
        let relative = normalize(target)
            .strip_prefix(normalize(&self.root))
            .ok()?
            .to_path_buf();
        self.shipped.get(&relative).map(String::as_str)
    }
}

impl Preprocessor for ShippedIncludes {
    fn name(&self) -> &str {
        "workbook-shipped-includes"
    }

    fn run(&self, ctx: &PreprocessorContext, mut book: Book) -> Result<Book, Error> {
        let src = ctx.root.join(&ctx.config.book.src);
        // Escaped directives (`\{{#include ...}}`) are matched first and kept.
        let directive =
            Regex::new(r"\\\{\{#.*\}\}|\{\{\s*#(include|rustdoc_include)\s+([^}\s]+)[^}]*\}\}")
                .expect("valid regex");
        book.for_each_mut(|item| {
            let BookItem::Chapter(chapter) = item else {
                return;
            };
            let Some(page) = &chapter.path else {
                return;
            };
            let dir = src.join(page.parent().unwrap_or(Path::new("")));
            chapter.content = directive
                .replace_all(&chapter.content, |caps: &regex::Captures| {
                    let keep = caps[0].to_owned();
                    let (Some(kind), Some(spec)) = (caps.get(1), caps.get(2)) else {
                        return keep;
                    };
                    let (path, part) = match spec.as_str().split_once(':') {
                        Some((path, part)) => (path, Some(part)),
                        None => (spec.as_str(), None),
                    };
                    self.shipped(&dir.join(path))
                        .and_then(|text| {
                            select(text, &Part::parse(part), kind.as_str() == "rustdoc_include")
                        })
                        .unwrap_or(keep)
                })
                .into_owned();
        });
        Ok(book)
    }
}

/// Resolves `.` and `..` without touching the file system.
fn normalize(path: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for component in path.components() {
        match component {
            Component::CurDir => {}
            Component::ParentDir => {
                out.pop();
            }
            other => out.push(other),
        }
    }
    out
}

/// Which lines of a file an include takes.
#[derive(Debug, PartialEq)]
enum Part {
    /// Zero-based, end exclusive; `None` is open.
    Lines(Option<usize>, Option<usize>),
    Anchor(String),
}

impl Part {
    /// Parses what follows the path's first `:` the way mdBook does.
    fn parse(spec: Option<&str>) -> Part {
        let Some(spec) = spec else {
            return Part::Lines(None, None);
        };
        let mut fields = spec.splitn(3, ':');
        let first = fields.next().unwrap_or_default();
        let start = if first.is_empty() {
            None
        } else if let Ok(line) = first.parse::<usize>() {
            Some(line.saturating_sub(1))
        } else {
            return Part::Anchor(first.to_owned());
        };
        match (start, fields.next().map(str::parse::<usize>)) {
            (Some(start), None) => Part::Lines(Some(start), Some(start + 1)),
            (start, Some(Ok(end))) => Part::Lines(start, Some(end)),
            (start, _) => Part::Lines(start, None),
        }
    }
}

/// The lines of `text` that `part` takes, joined without a final newline;
/// with `hide_rest`, every other line too, hidden behind `# `. `None` when
/// the anchor is missing.
fn select(text: &str, part: &Part, hide_rest: bool) -> Option<String> {
    let marker = Regex::new(r"ANCHOR(_END)?:\s*([\w-]+)").expect("valid regex");
    let mut lines = Vec::new();
    match part {
        Part::Lines(start, end) => {
            let (start, end) = (start.unwrap_or(0), end.unwrap_or(usize::MAX));
            for (index, line) in text.lines().enumerate() {
                lines.push(((start..end).contains(&index), line));
            }
        }
        Part::Anchor(name) => {
            // Inside the first region of the anchor (or every region, when
            // the rest is kept hidden); marker lines are always dropped.
            let (mut inside, mut found) = (false, false);
            for line in text.lines() {
                match marker.captures(line) {
                    Some(caps) if &caps[2] == name => {
                        let end = caps.get(1).is_some();
                        if end && inside && !hide_rest {
                            break;
                        }
                        inside = !end;
                        found |= inside;
                    }
                    Some(_) => {}
                    None => lines.push((inside, line)),
                }
            }
            if !found {
                return None;
            }
        }
    }
    let kept: Vec<String> = lines
        .into_iter()
        .filter_map(|(shown, line)| match (shown, hide_rest) {
            (true, _) => Some(line.to_owned()),
            (false, true) => Some(format!("# {line}")),
            (false, false) => None,
        })
        .collect();
    Some(kept.join("\n"))
}

#[cfg(test)]
mod tests {
    use super::*;

    const FILE: &str = "\
use std::pin::Pin;
// ANCHOR: outer
pub struct A;
// ANCHOR: inner
impl A {}
// ANCHOR_END: inner
pub fn f() {}
// ANCHOR_END: outer
fn rest() {}";

    #[test]
    fn parses_ranges_and_anchors_as_mdbook_does() {
        assert_eq!(Part::parse(None), Part::Lines(None, None));
        assert_eq!(Part::parse(Some("")), Part::Lines(None, None));
        assert_eq!(Part::parse(Some("3")), Part::Lines(Some(2), Some(3)));
        assert_eq!(Part::parse(Some("3:5")), Part::Lines(Some(2), Some(5)));
        assert_eq!(Part::parse(Some("5:")), Part::Lines(Some(4), None));
        assert_eq!(Part::parse(Some(":4")), Part::Lines(None, Some(4)));
        assert_eq!(Part::parse(Some("poll")), Part::Anchor("poll".into()));
    }

    #[test]
    fn an_anchor_takes_its_lines_without_any_marker() {
        assert_eq!(
            select(FILE, &Part::Anchor("outer".into()), false).as_deref(),
            Some("pub struct A;\nimpl A {}\npub fn f() {}")
        );
        assert_eq!(
            select(FILE, &Part::Anchor("inner".into()), false).as_deref(),
            Some("impl A {}")
        );
        assert_eq!(select(FILE, &Part::Anchor("missing".into()), false), None);
    }

    #[test]
    fn a_range_takes_lines_as_they_are() {
        assert_eq!(
            select(FILE, &Part::parse(Some("2:3")), false).as_deref(),
            Some("// ANCHOR: outer\npub struct A;")
        );
        assert_eq!(
            select(FILE, &Part::parse(Some("9:")), false).as_deref(),
            Some("fn rest() {}")
        );
    }

    #[test]
    fn rustdoc_include_hides_the_other_lines() {
        assert_eq!(
            select(FILE, &Part::Anchor("inner".into()), true).as_deref(),
            Some(
                "# use std::pin::Pin;\n# pub struct A;\nimpl A {}\n# pub fn f() {}\n# fn rest() {}"
            )
        );
    }

    #[test]
    fn finds_the_changed_file_an_include_names() {
        let shipped = ShippedIncludes {
            root: PathBuf::from("/w"),
            shipped: HashMap::from([(
                PathBuf::from("exercises/01-a/01-b/src/lib.rs"),
                "starter".to_owned(),
            )]),
        };
        assert_eq!(
            shipped.shipped(Path::new(
                "/w/book/src/01-a/../../../exercises/01-a/01-b/src/lib.rs"
            )),
            Some("starter")
        );
        assert_eq!(
            shipped.shipped(Path::new("/w/exercises/01-a/01-b/tests/b.rs")),
            None
        );
    }
}
