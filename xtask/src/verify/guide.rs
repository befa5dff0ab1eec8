//! The instructor guide (`book/src/instructors/`) against the metadata: a
//! page for every chapter with exercises, showing its schedule; course
//! plans that account for every chapter; and no duration typed by hand,
//! since every number of minutes or hours comes from the schedule
//! directives and so cannot contradict the exercises' `minutes`.

use std::fs;

use regex::Regex;

use crate::book::schedule::{Schedule, directive};
use crate::workbook::Workbook;

/// The guide's folder, relative to the book's `src/`.
pub const GUIDE: &str = "instructors";
/// The checks this module adds to verify's count.
pub const CHECKS: usize = 1;

/// Problems with the guide. Empty means fine.
pub fn guide_problems(workbook: &Workbook) -> Vec<String> {
    let schedule = match Schedule::load(workbook) {
        Ok(schedule) => schedule,
        Err(error) => return vec![format!("{error:#}")],
    };
    let dir = workbook.book_src().join(GUIDE);
    let mut pages = Vec::new();
    for entry in fs::read_dir(&dir).into_iter().flatten().flatten() {
        let path = entry.path();
        if path.extension().is_some_and(|e| e == "md") {
            let name = entry.file_name().to_string_lossy().into_owned();
            pages.push((name, fs::read_to_string(&path).unwrap_or_default()));
        }
    }
    pages.sort();
    problems(&schedule, &pages)
}

/// The checks, on the guide's pages as (file name, text).
fn problems(schedule: &Schedule, pages: &[(String, String)]) -> Vec<String> {
    let mut problems = Vec::new();
    let page = |name: &str| pages.iter().find(|(n, _)| n == name).map(|(_, t)| t);
    for chapter in &schedule.chapters {
        if chapter.rows.iter().all(|r| r.exercise.is_none()) {
            continue;
        }
        let name = format!("{}.md", chapter.slug);
        let wanted = format!("{{{{#schedule {}}}}}", chapter.slug);
        match page(&name) {
            None => problems.push(format!(
                "the chapter {} has exercises but no instructor page book/src/{GUIDE}/{name}",
                chapter.slug
            )),
            Some(text) if !text.contains(&wanted) => problems.push(format!(
                "book/src/{GUIDE}/{name} does not show its timings with `{wanted}`"
            )),
            Some(_) => {}
        }
    }
    match page("index.md") {
        None => problems.push(format!("book/src/{GUIDE}/index.md is missing")),
        Some(index) => problems.extend(plan_problems(schedule, index)),
    }
    for (name, text) in pages {
        problems.extend(directive_problems(schedule, name, text));
        for typed in typed_durations(text) {
            problems.push(format!(
                "book/src/{GUIDE}/{name}: `{typed}` is a duration typed by hand; \
                 use {{{{#schedule ...}}}} or {{{{#schedule-total ...}}}} so it follows the metadata"
            ));
        }
    }
    problems
}

/// Every section of the index whose heading starts with `Plan:` must
/// account for every chapter: schedule it (the chapter or one of its
/// exercises in a `{{#schedule-total}}`) or link its page (a chapter left
/// out, with the reason).
fn plan_problems(schedule: &Schedule, index: &str) -> Vec<String> {
    let plans = sections(index, "Plan:");
    if plans.is_empty() {
        return vec![format!(
            "book/src/{GUIDE}/index.md has no course plan (a heading `## Plan: ...`)"
        )];
    }
    let directive = directive();
    let mut problems = Vec::new();
    for (heading, body) in plans {
        let mut covered: Vec<&str> = Vec::new();
        for caps in directive.captures_iter(&body) {
            for arg in caps[2].split_whitespace() {
                if let Some(chapter) = schedule.chapter_of(arg) {
                    covered.push(&chapter.slug);
                }
            }
        }
        for chapter in &schedule.chapters {
            let linked = body.contains(&format!("{}/", chapter.slug))
                || body.contains(&format!("({}.md", chapter.slug));
            if !linked && !covered.contains(&chapter.slug.as_str()) {
                problems.push(format!(
                    "book/src/{GUIDE}/index.md: the plan \"{heading}\" says nothing of the chapter \
                     {}: schedule it, or link its page and say why it is left out",
                    chapter.slug
                ));
            }
        }
    }
    problems
}

/// The sections (heading text, body) whose heading starts with `prefix`.
fn sections(markdown: &str, prefix: &str) -> Vec<(String, String)> {
    let mut found: Vec<(String, String)> = Vec::new();
    let mut open = false;
    for line in markdown.lines() {
        if let Some(heading) = line.strip_prefix("## ") {
            open = heading.starts_with(prefix);
            if open {
                found.push((heading.trim().to_owned(), String::new()));
            }
        } else if open && let Some((_, body)) = found.last_mut() {
            body.push_str(line);
            body.push('\n');
        }
    }
    found
}

fn directive_problems(schedule: &Schedule, name: &str, text: &str) -> Vec<String> {
    let mut problems = Vec::new();
    for caps in directive().captures_iter(text) {
        let args: Vec<&str> = caps[2].split_whitespace().collect();
        let known = match (&caps[1], args.as_slice()) {
            ("schedule", ["all"]) => Ok(()),
            ("schedule", [slug]) if schedule.chapter(slug).is_some() => Ok(()),
            ("schedule", [slug]) => Err(format!("no chapter is called `{slug}`")),
            ("schedule", _) => Err("takes one chapter (NN-name) or `all`".to_owned()),
            (_, args) => schedule.select(args).map(drop).map_err(|e| e.to_string()),
        };
        if let Err(why) = known {
            problems.push(format!("book/src/{GUIDE}/{name}: {}: {why}", &caps[0]));
        }
    }
    problems
}

/// Durations in minutes or hours written outside the directives: `20 min`,
/// `1.5 hours`, `10-15 minutes`, `an hour`, `half an hour`.
fn typed_durations(text: &str) -> Vec<String> {
    let without_directives = directive().replace_all(text, "");
    let number = r"\d+(?:[.,]\d+)?|a|an|one|two|three|four|five|six|seven|eight|nine|ten|twelve|fifteen|twenty|thirty|forty|fifty|sixty|ninety|half|a few|a couple of|several";
    let pattern = format!(
        r"(?i)\b(?:{number})(?:\s*(?:-|–|to|or)\s*(?:{number}))?[\s-]*(?:h|hrs?|hours?|min|mins|minutes?)\b"
    );
    Regex::new(&pattern)
        .expect("valid regex")
        .find_iter(&without_directives)
        .map(|m| m.as_str().to_owned())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::workbook::{Exercise, Fails};

    fn schedule() -> Schedule {
        let exercise = |slug: &str, name: &str| Exercise {
            name: name.to_owned(),
            slug: slug.to_owned(),
            title: name.to_owned(),
            fails: Fails::Test,
            starter_fails_with: String::new(),
            minutes: 20,
            edits: Vec::new(),
            test_targets: Vec::new(),
            miri: false,
        };
        let summary = "- [Futures](01-futures/index.md)\n  - [Lazy](01-futures/01-lazy.md)\n\
                       - [Pin](02-pin/index.md)\n  - [Self](02-pin/01-self-ref.md)\n";
        Schedule::build(
            summary,
            &|_| Some(5),
            &[
                exercise("01-futures/01-lazy", "lazy"),
                exercise("02-pin/01-self-ref", "self-ref"),
            ],
        )
    }

    const INDEX: &str = "# For instructors\n\n## Plan: one day\n\n- {{#schedule-total lazy}}\n\
                         - Left out: [Pin](../02-pin/index.md), because it needs a second day.\n\n\
                         ## Plan: two days\n\n{{#schedule-total 01-futures 02-pin}}\n\n## Pairing\n\nPin.\n";

    fn pages(extra: &[(&str, &str)]) -> Vec<(String, String)> {
        let mut pages = vec![
            ("index.md".to_owned(), INDEX.to_owned()),
            (
                "01-futures.md".to_owned(),
                "{{#schedule 01-futures}}".to_owned(),
            ),
            ("02-pin.md".to_owned(), "{{#schedule 02-pin}}".to_owned()),
        ];
        for (name, text) in extra {
            match pages.iter_mut().find(|(n, _)| n == name) {
                Some(page) => page.1 = (*text).to_owned(),
                None => pages.push(((*name).to_owned(), (*text).to_owned())),
            }
        }
        pages
    }

    #[test]
    fn a_complete_guide_passes() {
        assert_eq!(problems(&schedule(), &pages(&[])), Vec::<String>::new());
    }

    #[test]
    fn a_chapter_without_its_page_or_its_schedule_is_named() {
        let mut without = pages(&[]);
        without.retain(|(n, _)| n != "02-pin.md");
        let found = problems(&schedule(), &without);
        assert!(
            found.len() == 1 && found[0].contains("02-pin has exercises but no instructor page"),
            "{found:?}"
        );
        let found = problems(
            &schedule(),
            &pages(&[("02-pin.md", "Timings: see the index.")]),
        );
        assert!(
            found.len() == 1 && found[0].contains("`{{#schedule 02-pin}}`"),
            "{found:?}"
        );
    }

    #[test]
    fn every_plan_accounts_for_every_chapter() {
        let index = INDEX.replace(
            "- Left out: [Pin](../02-pin/index.md), because it needs a second day.\n",
            "",
        );
        let found = problems(&schedule(), &pages(&[("index.md", &index)]));
        assert!(
            found.len() == 1
                && found[0].contains("\"Plan: one day\" says nothing of the chapter 02-pin"),
            "{found:?}"
        );
        let found = problems(
            &schedule(),
            &pages(&[("index.md", "# Guide\n\nNo plans.\n")]),
        );
        assert!(
            found.len() == 1 && found[0].contains("no course plan"),
            "{found:?}"
        );
    }

    #[test]
    fn typed_durations_are_refused_outside_directives() {
        for typed in [
            "Give them 20 minutes.",
            "about 1.5 hours",
            "10-15 min per exercise",
            "an hour",
            "half an hour",
            "Twenty minutes of pairing",
            "a few minutes",
            "3 h",
        ] {
            let found = problems(
                &schedule(),
                &pages(&[("02-pin.md", &format!("{{{{#schedule 02-pin}}}}\n{typed}\n"))]),
            );
            assert!(
                found.len() == 1 && found[0].contains("typed by hand"),
                "{typed}: {found:?}"
            );
        }
        for fine in [
            "{{#schedule-total 01-futures}}",
            "the `minutes` metadata",
            "a three-day course",
            "wait 20 seconds",
            "the first hour",
        ] {
            assert_eq!(typed_durations(fine), Vec::<String>::new(), "{fine}");
        }
    }

    #[test]
    fn a_directive_naming_nothing_known_is_named() {
        let found = problems(
            &schedule(),
            &pages(&[(
                "02-pin.md",
                "{{#schedule 02-pin}} {{#schedule-total lazzy}} {{#schedule 09-x}}",
            )]),
        );
        assert_eq!(found.len(), 2, "{found:?}");
        assert!(found[0].contains("lazzy"), "{found:?}");
        assert!(found[1].contains("09-x"), "{found:?}");
    }
}
