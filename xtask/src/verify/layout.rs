//! The links and files that tie a page, an exercise and its solution
//! together, and the links and includes of every page.

use std::fs;
use std::path::Path;

use regex::Regex;

use super::scratch::files_under;
use crate::book::exercise_directive;
use crate::workbook::{Exercise, Workbook, test_files};

/// Problems with one exercise's page, README and solution. Empty means fine.
pub fn exercise_problems(workbook: &Workbook, exercise: &Exercise) -> Vec<String> {
    let mut problems = Vec::new();
    let root = &workbook.root;
    let page_rel = Path::new("book/src").join(exercise.page());
    let box_line = format!("{{{{#exercise {}}}}}", exercise.name);
    match fs::read_to_string(root.join(&page_rel)) {
        Err(_) => problems.push(format!("its book page {} is missing", page_rel.display())),
        Ok(page) => {
            let last_line = page.lines().rev().find(|l| !l.trim().is_empty());
            if last_line.map(str::trim) != Some(box_line.as_str()) {
                problems.push(format!(
                    "{} must end with its exercise box `{box_line}`",
                    page_rel.display()
                ));
            }
        }
    }
    let summary = fs::read_to_string(workbook.book_src().join("SUMMARY.md")).unwrap_or_default();
    if !summary.contains(&format!("({})", exercise.page().display())) {
        problems.push(format!(
            "book/src/SUMMARY.md does not list {}",
            exercise.page().display()
        ));
    }
    for edit in &exercise.edits {
        let shown = exercise.dir().join(edit);
        let editable = edit.starts_with("src") || edit.starts_with("tests/ui");
        if !editable || edit.extension().is_some_and(|e| e == "stderr") {
            problems.push(format!(
                "{} is listed in `edits` but is a test or snapshot: tests are the same for starter and solution",
                shown.display()
            ));
        } else if !root.join(&shown).is_file() {
            problems.push(format!(
                "{} is listed in `edits` but missing",
                shown.display()
            ));
        }
    }
    problems.extend(readme_problems(root, exercise));
    problems.extend(solution_problems(root, exercise));
    problems.extend(tests_in_crate_problems(root, exercise));
    problems
}

/// `root.rs` as every exercise has it: the root of the lib crate, which
/// wraps the learner's `src/lib.rs` and compiles the test files that
/// `tests/mod.rs` lists into the crate under `cfg(test)`, so that a check
/// builds one test binary instead of one per test file.
pub fn crate_root(package: &str) -> String {
    format!(
        "//! The crate's root, provided by the workbook: your code is in `src/lib.rs`.\n\
         //! The tests in `tests/` are compiled into this same crate, so that a check\n\
         //! builds one test binary instead of one per test file.\n\
         \n\
         #[path = \"src/lib.rs\"]\n\
         mod exercise;\n\
         pub use exercise::*;\n\
         \n\
         // The tests name the crate, as tests outside it would.\n\
         #[cfg(test)]\n\
         extern crate self as {};\n\
         #[cfg(test)]\n\
         mod tests;\n",
        package.replace('-', "_")
    )
}

/// Every test file is compiled: into the crate, through `root.rs` and a
/// `mod` line in `tests/mod.rs`, or as a test target of its own (declared
/// with `[[test]]`, as `tests/ui.rs` is). A file in neither place would
/// hold tests that never run.
fn tests_in_crate_problems(root: &Path, exercise: &Exercise) -> Vec<String> {
    let dir = root.join(exercise.dir());
    let in_crate: Vec<String> = test_files(&dir)
        .into_iter()
        .filter(|stem| !exercise.test_targets.contains(stem))
        .collect();
    if in_crate.is_empty() {
        return Vec::new();
    }
    let mut problems = Vec::new();
    let shown = exercise.dir().join("root.rs");
    let expected = crate_root(&exercise.name);
    if fs::read_to_string(dir.join("root.rs")).ok().as_deref() != Some(expected.as_str()) {
        problems.push(format!(
            "{} is missing or differs from the root every exercise has, which compiles \
             tests/mod.rs into the crate; it must read:\n{expected}",
            shown.display()
        ));
    }
    let manifest = fs::read_to_string(dir.join("Cargo.toml")).unwrap_or_default();
    if !manifest.contains("autotests = false") || !manifest.contains("path = \"root.rs\"") {
        problems.push(format!(
            "{}: the lib's root must be `root.rs` (`[lib] path = \"root.rs\"`), with \
             `autotests = false` so the test files are not compiled twice",
            exercise.dir().join("Cargo.toml").display()
        ));
    }
    let listed = fs::read_to_string(dir.join("tests/mod.rs")).unwrap_or_default();
    for stem in in_crate {
        if !listed
            .lines()
            .any(|line| line.trim() == format!("mod {stem};"))
        {
            problems.push(format!(
                "{} is not listed in tests/mod.rs (`mod {stem};`) nor a `[[test]]` target of its own, \
                 so its tests never run",
                exercise.dir().join(format!("tests/{stem}.rs")).display()
            ));
        }
    }
    problems
}

fn readme_problems(root: &Path, exercise: &Exercise) -> Vec<String> {
    let readme_rel = exercise.dir().join("README.md");
    let Ok(readme) = fs::read_to_string(root.join(&readme_rel)) else {
        return vec![format!("{} is missing", readme_rel.display())];
    };
    let mut problems = Vec::new();
    let back_link = format!("../../../book/src/{}", exercise.page().display());
    if !readme.contains(&back_link) {
        problems.push(format!(
            "{} does not link back to its page ({back_link})",
            readme_rel.display()
        ));
    }
    if !readme.contains(&exercise.command()) {
        problems.push(format!(
            "{} does not give the command `{}`",
            readme_rel.display(),
            exercise.command()
        ));
    }
    if readme.contains("<summary>Hint") {
        problems.push(format!(
            "{} shows hints: they belong in {}/N.md, where reading the README does not reveal them",
            readme_rel.display(),
            exercise.hints_dir().display()
        ));
    }
    let hints = crate::runner::hints::hints(root, exercise).len();
    if !(2..=3).contains(&hints) {
        problems.push(format!(
            "{} has {hints} hints; give two or three (1.md, 2.md, ...)",
            exercise.hints_dir().display()
        ));
    }
    problems
}

/// Solutions replace learner-edited files only: tests are written once.
fn solution_problems(root: &Path, exercise: &Exercise) -> Vec<String> {
    let solution_dir = root.join(exercise.solution_dir());
    let files = files_under(&solution_dir).unwrap_or_default();
    if files.is_empty() {
        return vec![format!(
            "{} has no solution files",
            exercise.solution_dir().display()
        )];
    }
    let mut problems = Vec::new();
    let mut has_todo = false;
    for file in files {
        let relative = file.strip_prefix(&solution_dir).expect("listed under it");
        let shown = exercise.solution_dir().join(relative);
        let learner_edited = exercise.edits.iter().any(|e| e == relative);
        let starter = root.join(exercise.dir()).join(relative);
        if !learner_edited || relative.extension().is_some_and(|e| e == "stderr") {
            problems.push(format!(
                "{} is not a learner-edited file (`edits` in its Cargo.toml): the tests must be the same for starter and solution",
                shown.display()
            ));
        } else if !starter.exists() {
            problems.push(format!("{} replaces no starter file", shown.display()));
        } else {
            has_todo |= fs::read_to_string(&starter).is_ok_and(|s| s.contains("TODO"));
        }
    }
    if !has_todo {
        problems.push("no starter file that the solution replaces is marked TODO".to_owned());
    }
    let lib = solution_dir.join("src/lib.rs");
    if lib.exists() && !fs::read_to_string(&lib).is_ok_and(|s| s.contains("Why this works")) {
        problems.push(format!(
            "{}/src/lib.rs does not explain itself (\"Why this works: ...\")",
            exercise.solution_dir().display()
        ));
    }
    problems
}

/// Problems with the links, includes and exercise boxes of every page.
pub fn book_problems(workbook: &Workbook) -> Vec<String> {
    let src = workbook.book_src();
    let summary = fs::read_to_string(src.join("SUMMARY.md")).unwrap_or_default();
    let include =
        Regex::new(r"\{\{#(?:include|rustdoc_include)\s+([^}\s]+)\s*\}\}").expect("regex");
    let link = Regex::new(r#"\]\(([^)\s]+)\)|src="([^"]+)""#).expect("regex");
    let directive = exercise_directive();
    let mut problems = Vec::new();
    for page in files_under(&src).unwrap_or_default() {
        if page.extension().is_none_or(|e| e != "md") {
            continue;
        }
        let rel = page
            .strip_prefix(&src)
            .expect("under src")
            .to_string_lossy()
            .replace('\\', "/");
        let Ok(text) = fs::read_to_string(&page) else {
            continue;
        };
        let dir = page.parent().expect("a page has a directory");
        if rel != "SUMMARY.md" && !summary.contains(&format!("({rel})")) {
            problems.push(format!("book/src/{rel} is not listed in SUMMARY.md"));
        }
        for caps in include.captures_iter(&text) {
            if let Err(why) = check_include(dir, &caps[1]) {
                problems.push(format!(
                    "book/src/{rel}: {{{{#include {}}}}}: {why}",
                    &caps[1]
                ));
            }
        }
        for caps in directive.captures_iter(&text) {
            if workbook.find(&caps[1]).is_none() {
                problems.push(format!(
                    "book/src/{rel}: no exercise is called `{}`",
                    &caps[1]
                ));
            }
        }
        for caps in link.captures_iter(&text) {
            let target = caps
                .get(1)
                .or(caps.get(2))
                .expect("one group matches")
                .as_str();
            if missing_local_target(dir, target) {
                problems.push(format!(
                    "book/src/{rel}: the link to {target} leads nowhere"
                ));
            }
        }
    }
    problems
}

fn check_include(dir: &Path, spec: &str) -> Result<(), String> {
    let (path, anchor) = match spec.split_once(':') {
        Some((path, anchor)) => (path, Some(anchor)),
        None => (spec, None),
    };
    let text =
        fs::read_to_string(dir.join(path)).map_err(|_| "the file does not exist".to_owned())?;
    match anchor {
        // A line range such as `:3:10` needs no anchor.
        Some(anchor) if !anchor.chars().all(|c| c.is_ascii_digit() || c == ':') => {
            let start = format!("ANCHOR: {anchor}");
            let end = format!("ANCHOR_END: {anchor}");
            let has = |marker: &str| text.lines().any(|l| l.trim_end().ends_with(marker));
            if has(&start) && has(&end) {
                Ok(())
            } else {
                Err(format!("the file has no anchor `{anchor}`"))
            }
        }
        _ => Ok(()),
    }
}

fn missing_local_target(dir: &Path, target: &str) -> bool {
    if target.contains("://") || target.starts_with('#') || target.starts_with("mailto:") {
        return false;
    }
    let path = target.split('#').next().unwrap_or(target);
    !path.is_empty() && !dir.join(path).exists()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::workbook::Fails;

    #[test]
    fn a_test_file_that_nothing_compiles_is_reported() {
        let root = tempfile::tempdir().expect("temp dir");
        let exercise = Exercise {
            name: "count-down".to_owned(),
            slug: "01-x/01-count-down".to_owned(),
            title: String::new(),
            fails: Fails::Test,
            starter_fails_with: String::new(),
            minutes: 5,
            edits: Vec::new(),
            test_targets: vec!["ui".to_owned()],
            miri: false,
        };
        let dir = root.path().join(exercise.dir());
        fs::create_dir_all(dir.join("tests")).expect("tests dir");
        let write = |rel: &str, text: &str| fs::write(dir.join(rel), text).expect("write");
        write(
            "Cargo.toml",
            "autotests = false\n[lib]\npath = \"root.rs\"\n",
        );
        write("root.rs", &crate_root(&exercise.name));
        write("tests/mod.rs", "mod listed;\n");
        write("tests/listed.rs", "");
        write("tests/ui.rs", "");
        assert_eq!(
            tests_in_crate_problems(root.path(), &exercise),
            Vec::<String>::new(),
            "listed files and test targets of their own are compiled"
        );
        assert!(crate_root(&exercise.name).contains("extern crate self as count_down;"));

        write("tests/forgotten.rs", "");
        let problems = tests_in_crate_problems(root.path(), &exercise);
        assert_eq!(problems.len(), 1, "{problems:?}");
        assert!(
            problems[0].contains("tests/forgotten.rs is not listed"),
            "{problems:?}"
        );
    }
}
