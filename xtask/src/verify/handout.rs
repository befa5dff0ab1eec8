//! Verify's checks of the student copy (`cargo xtask handout`): it builds
//! one from the workbook as committed, in the system's temp directory, and
//! checks that
//! - no solution's distinctive text is in any of its files, its built book
//!   included, and its git history is one commit without `solutions/`;
//! - the runner works in it: `check` on a starter fails, `hint`, `list`,
//!   `reset` and `progress --export` work, `solution` says there is none.
//!
//! Distinctive text: a solution's lines that are not trivial (`}`, a bare
//! `Poll::Pending`, an import) and not in the matching starter. Lines of
//! the exercise's own hints never count: the hints are there to be shown.
//! A distinctive line that appears nowhere else in the workbook must appear
//! nowhere in the copy. A line the rest of the workbook shares (a book
//! snippet's line) only counts together with others: no file of the copy
//! may hold `RUN` of the solution's distinctive lines in the solution's
//! order, with only other lines between them (all of them, for a solution
//! with fewer). So a copied solution is found even when the copy is
//! committed in the workbook itself.

use std::collections::HashSet;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::LazyLock;

use regex::Regex;

use super::report::{Report, none_or};
use super::scratch::{files_under, scratch_dir};
use super::{BUILD_LIMIT, Verifier};
use crate::classroom::handout::{SOLUTIONS, Tracked, committed_files, write};
use crate::process::run_bounded;
use crate::workbook::{Fails, Workbook};

/// How many checks `check` adds to verify's count.
pub const CHECKS: usize = 2;

/// Consecutive distinctive lines that make a copied block.
const RUN: usize = 4;

pub(super) fn check(report: &mut Report, workbook: &Workbook, verifier: &Verifier) {
    if workbook.committed(Path::new("Cargo.toml")).is_err() {
        let why = "not a git checkout with a commit, and a student copy is made from the \
                   files committed in HEAD";
        report.skip("student copy (handout): no solution text", why);
        report.skip("student copy (handout): the runner works", why);
        return;
    }
    let dir = scratch_dir(&workbook.root, "handout");
    let _remove = RemoveOnDrop(dir.clone());
    let made = make(workbook, &dir);
    report.check(
        "student copy (handout): no solution text in its files, history or book",
        || {
            made.as_ref().map_err(String::clone)?;
            reveals_nothing(workbook, &dir)
        },
    );
    report.check(
        "student copy (handout): check fails on a starter; hint, list, reset, export work; \
         solution says there is none",
        || {
            made.as_ref().map_err(String::clone)?;
            runner_works(&dir, verifier)
        },
    );
}

struct RemoveOnDrop(PathBuf);

impl Drop for RemoveOnDrop {
    fn drop(&mut self) {
        let _ = fs::remove_dir_all(&self.0);
    }
}

fn make(workbook: &Workbook, dir: &Path) -> Result<(), String> {
    if dir.exists() {
        fs::remove_dir_all(dir).map_err(|e| format!("remove {}: {e}", dir.display()))?;
    }
    write(workbook, dir)
        .map(|_| ())
        .map_err(|e| format!("cargo xtask handout failed: {e:#}"))
}

fn reveals_nothing(workbook: &Workbook, dir: &Path) -> Result<String, String> {
    let committed = committed_files(&workbook.root).map_err(|e| format!("{e:#}"))?;
    let texts = distinctive(&committed);
    let mut problems = history_problems(dir);
    // Build the copy's book into its book/book (ignored by git), so the
    // pages as a student sees them are searched too.
    let copy = Workbook::load(dir).map_err(|e| format!("{e:#}"))?;
    match crate::book::build(&copy, None) {
        Ok(built) => {
            problems.extend(built.warnings.iter().map(|w| format!("its book: {w}")));
            problems.extend(boxes_promising_solutions(&built.html));
        }
        Err(error) => problems.push(format!("its book does not build: {error:#}")),
    }
    let files = files_under(dir).map_err(|e| format!("{e:#}"))?;
    let mut searched = 0;
    let mut carried = Vec::new();
    for file in &files {
        let relative = file.strip_prefix(dir).unwrap_or(file);
        if relative.starts_with(".git") {
            continue;
        }
        let Ok(text) = fs::read_to_string(file) else {
            continue;
        };
        searched += 1;
        let html = file.extension().is_some_and(|e| e == "html");
        let place = place(relative);
        let (found, later) = find_solution_text(&texts, &text, html, place.as_deref());
        problems.extend(found.iter().map(|f| format!("{}: {f}", relative.display())));
        carried.extend(later.iter().map(|f| format!("{}: {f}", relative.display())));
    }
    let lines: usize = texts.iter().map(|t| t.exclusive.len()).sum();
    let mut detail = format!(
        "{searched} files searched for the distinctive lines of {} solution files ({lines} \
         found nowhere else in the workbook)",
        texts.len()
    );
    if !carried.is_empty() {
        detail.push_str(
            "\n      note: later exercises that carry an earlier one's answer (by design, not a \
             leak):",
        );
        for line in &carried {
            detail.push_str(&format!("\n        {line}"));
        }
    }
    none_or(problems, &detail)
}

/// A solution file's text that a student copy must not hold.
pub struct SolutionText {
    path: String,
    /// `NN-chapter/MM-name`: its exercise.
    slug: String,
    /// Distinctive lines found nowhere else in the workbook.
    exclusive: HashSet<String>,
    /// All its distinctive lines.
    counted: HashSet<String>,
    /// How many of them in order make a copy: `RUN`, or all of them.
    run: usize,
    /// Each `run` of its distinctive lines in order, joined with newlines.
    runs: HashSet<String>,
}

fn normalize(line: &str) -> String {
    line.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Long enough to say something, and not an import or a module line,
/// which say nothing about the answer.
fn nontrivial(line: &str) -> bool {
    line.len() >= 12
        && line.chars().filter(|c| c.is_alphanumeric()).count() >= 8
        && !["use ", "pub use ", "mod ", "pub mod "]
            .iter()
            .any(|start| line.starts_with(start))
}

fn nontrivial_lines(text: &str) -> Vec<String> {
    text.lines()
        .map(normalize)
        .filter(|l| nontrivial(l))
        .collect()
}

/// The distinctive text of every committed solution file.
pub fn distinctive(committed: &[Tracked]) -> Vec<SolutionText> {
    let text = |file: &Tracked| String::from_utf8_lossy(&file.bytes).into_owned();
    let find = |path: &str| committed.iter().find(|f| f.path == path).map(text);
    let elsewhere: HashSet<String> = committed
        .iter()
        .filter(|f| !f.path.starts_with(SOLUTIONS))
        .flat_map(|f| nontrivial_lines(&text(f)))
        .collect();
    let mut texts = Vec::new();
    for solution in committed.iter().filter(|f| f.path.starts_with(SOLUTIONS)) {
        let relative = &solution.path[SOLUTIONS.len()..];
        let mut parts = relative.splitn(3, '/');
        let slug = format!(
            "{}/{}",
            parts.next().unwrap_or_default(),
            parts.next().unwrap_or_default()
        );
        let starter: HashSet<String> = find(&format!("exercises/{relative}"))
            .map(|t| nontrivial_lines(&t).into_iter().collect())
            .unwrap_or_default();
        let hint_prefix = format!("exercises/{slug}/hints/");
        let hints: HashSet<String> = committed
            .iter()
            .filter(|f| f.path.starts_with(&hint_prefix))
            .flat_map(|f| nontrivial_lines(&text(f)))
            .collect();
        let lines = nontrivial_lines(&text(solution));
        let counts = |l: &String| !starter.contains(l) && !hints.contains(l);
        let exclusive = lines
            .iter()
            .filter(|l| counts(l) && !elsewhere.contains(*l))
            .cloned()
            .collect();
        let counted: Vec<String> = lines.iter().filter(|l| counts(l)).cloned().collect();
        let run = counted.len().min(RUN);
        let runs = if run == 0 {
            HashSet::new()
        } else {
            counted.windows(run).map(|w| w.join("\n")).collect()
        };
        texts.push(SolutionText {
            path: solution.path.clone(),
            slug,
            exclusive,
            counted: counted.into_iter().collect(),
            run,
            runs,
        });
    }
    texts
}

/// The solution text found in `text` (HTML is read as the text it
/// shows): `(problems, carried)`. A file of a later exercise (its crate or
/// its page, `place`) may carry an earlier exercise's answer: later
/// exercises build on earlier ones (a later crate may ship a working
/// version of what an earlier one asks for). Those findings are `carried`,
/// not problems.
pub fn find_solution_text(
    texts: &[SolutionText],
    text: &str,
    html: bool,
    place: Option<&str>,
) -> (Vec<String>, Vec<String>) {
    let shown = if html {
        html_text(text)
    } else {
        text.to_owned()
    };
    let lines = nontrivial_lines(&shown);
    let (mut problems, mut carried) = (Vec::new(), Vec::new());
    for solution in texts {
        let found = if let Some(line) = lines.iter().find(|l| solution.exclusive.contains(*l)) {
            format!("holds a line of {}: `{line}`", solution.path)
        } else if let Some(first) = in_order(solution, &lines) {
            format!(
                "holds {} distinctive lines of {} in order, from `{first}`",
                solution.run, solution.path
            )
        } else {
            continue;
        };
        if place.is_some_and(|place| place > solution.slug.as_str()) {
            carried.push(found);
        } else {
            problems.push(found);
        }
    }
    (problems, carried)
}

/// The first line of a run of the solution's distinctive lines that
/// `lines` holds in order, other lines between them ignored.
fn in_order<'a>(solution: &SolutionText, lines: &'a [String]) -> Option<&'a str> {
    if solution.run == 0 {
        return None;
    }
    let theirs: Vec<&'a String> = lines
        .iter()
        .filter(|l| solution.counted.contains(*l))
        .collect();
    theirs
        .windows(solution.run)
        .find(|w| {
            let joined: Vec<&str> = w.iter().map(|l| l.as_str()).collect();
            solution.runs.contains(&joined.join("\n"))
        })
        .map(|w| w[0].as_str())
}

/// The exercise a file of the copy belongs to, as `NN-chapter/MM-name`:
/// its crate (`exercises/...`) or its page (`book/src/...`,
/// `book/book/...`). `None` for anything else.
fn place(relative: &Path) -> Option<String> {
    let parts: Vec<&str> = relative.iter().filter_map(|p| p.to_str()).collect();
    let (chapter, name) = match parts.as_slice() {
        ["exercises", chapter, name, ..] => (*chapter, *name),
        ["book", "src" | "book", chapter, name, ..] => (*chapter, *name),
        _ => return None,
    };
    let name = name.trim_end_matches(".md").trim_end_matches(".html");
    name.starts_with(|c: char| c.is_ascii_digit())
        .then(|| format!("{chapter}/{name}"))
}

/// HTML without its tags, entities decoded: the text a reader sees.
fn html_text(html: &str) -> String {
    static TAGS: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"<[^>]*>").expect("valid regex"));
    TAGS.replace_all(html, "")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&#x27;", "'")
        .replace("&amp;", "&")
}

/// Exercise boxes that still name `cargo xtask solution` in a copy
/// without solutions.
fn boxes_promising_solutions(html_dir: &Path) -> Vec<String> {
    let Ok(files) = files_under(html_dir) else {
        return vec![format!("cannot read {}", html_dir.display())];
    };
    let mut problems = Vec::new();
    for file in files
        .iter()
        .filter(|f| f.extension().is_some_and(|e| e == "html"))
    {
        let Ok(page) = fs::read_to_string(file) else {
            continue;
        };
        for (at, _) in page.match_indices("class=\"exercise-box\"") {
            let rest = &page[at..];
            let end = rest.find("</ul>").unwrap_or(rest.len());
            if rest[..end].contains("xtask solution") {
                let page = file.strip_prefix(html_dir).unwrap_or(file);
                problems.push(format!(
                    "the exercise box on {} names `cargo xtask solution`",
                    page.display()
                ));
            }
        }
    }
    problems
}

/// The copy's git history: one commit, no `solutions/`, nothing else.
fn history_problems(dir: &Path) -> Vec<String> {
    let git = |args: &[&str]| {
        Command::new("git")
            .args(args)
            .current_dir(dir)
            .output()
            .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_owned())
            .unwrap_or_default()
    };
    let mut problems = Vec::new();
    let commits = git(&["rev-list", "--all", "--count"]);
    if commits != "1" {
        problems.push(format!("its git history has {commits} commits, not 1"));
    }
    let tracked = git(&["ls-tree", "-r", "--name-only", "HEAD"]);
    if tracked.lines().any(|path| path.starts_with(SOLUTIONS)) {
        problems.push("its commit holds solutions/".to_owned());
    }
    if tracked.is_empty() {
        problems.push("its commit holds no files".to_owned());
    }
    problems
}

fn runner_works(dir: &Path, verifier: &Verifier) -> Result<String, String> {
    let copy = Workbook::load(dir).map_err(|e| format!("{e:#}"))?;
    // A cheap one: no trybuild cases to compile.
    let exercise = copy
        .exercises
        .iter()
        .find(|e| e.fails == Fails::Test && !e.has_ui_tests())
        .ok_or("no exercise fails with a behaviour test alone, to check in the copy")?;
    let name = exercise.name.as_str();
    let xtask = |args: &[&str], log: &str| -> Result<(bool, String), String> {
        let exe = std::env::current_exe().map_err(|e| e.to_string())?;
        let mut command = Command::new(exe);
        command
            .arg("--root")
            .arg(dir)
            .args(args)
            // The dependencies verify built already serve the copy too; the
            // copy's crates are fresh files, so cargo rebuilds them.
            .env("CARGO_TARGET_DIR", &verifier.scratch.target)
            .env("CARGO_INCREMENTAL", "0")
            .env("CI", "true")
            .env("INSTA_UPDATE", "no")
            .env_remove("CARGO_MANIFEST_DIR");
        let run = run_bounded(&mut command, BUILD_LIMIT, &verifier.log(log))
            .map_err(|e| format!("{e:#}"))?;
        match run.success {
            Some(ok) => Ok((ok, run.output)),
            None => Err(verifier.with_log(format!("`{}` timed out", args.join(" ")), log)),
        }
    };
    let expect = |what: &str, ok: bool, output: &str, log: &str| -> Result<(), String> {
        if ok {
            Ok(())
        } else {
            let excerpt: Vec<&str> = output.lines().take(12).collect();
            Err(verifier.with_log(format!("{what}:\n{}", excerpt.join("\n")), log))
        }
    };

    let seconds = verifier.test_limit.as_secs().to_string();
    let (ok, output) = xtask(&["check", name, "--timeout", &seconds], "handout-check")?;
    expect(
        &format!("`check {name}` on the starter should fail its tests"),
        !ok && output.contains(" failing, "),
        &output,
        "handout-check",
    )?;

    let (ok, output) = xtask(&["hint", name], "handout-hint")?;
    expect(
        &format!("`hint {name}` should show hint 1"),
        ok && output.contains("Hint 1 of"),
        &output,
        "handout-hint",
    )?;

    let (ok, output) = xtask(&["list"], "handout-list")?;
    expect(
        "`list` should list the exercise",
        ok && output.contains(name),
        &output,
        "handout-list",
    )?;

    for args in [&["solution", name][..], &["solution", name, "--force"]] {
        let (ok, output) = xtask(args, "handout-solution")?;
        expect(
            &format!("`{}` should say this copy has no solutions", args.join(" ")),
            !ok && output.contains("has no solutions"),
            &output,
            "handout-solution",
        )?;
    }

    let edited = exercise
        .edits
        .first()
        .map(|f| dir.join(exercise.dir()).join(f))
        .ok_or_else(|| format!("{name} names no file the learner edits"))?;
    let starter = fs::read(&edited).map_err(|e| format!("read {}: {e}", edited.display()))?;
    let attempt = [&starter[..], b"\n// a student's attempt\n"].concat();
    fs::write(&edited, &attempt).map_err(|e| e.to_string())?;
    let (ok, output) = xtask(&["reset", name], "handout-reset")?;
    let restored = fs::read(&edited).unwrap_or_default() == starter;
    let backed_up = files_under(&dir.join(".workbook/backups"))
        .unwrap_or_default()
        .iter()
        .any(|f| fs::read(f).is_ok_and(|saved| saved == attempt));
    expect(
        &format!("`reset {name}` should restore the starter and back up the attempt"),
        ok && restored && backed_up,
        &output,
        "handout-reset",
    )?;

    let export = dir.join(".workbook/export.json");
    let export_arg = export.to_string_lossy().into_owned();
    let (ok, output) = xtask(
        &["progress", "--export", &export_arg, "--name", "A Student"],
        "handout-export",
    )?;
    let entry: Option<serde_json::Value> = fs::read_to_string(&export)
        .ok()
        .and_then(|t| serde_json::from_str::<serde_json::Value>(&t).ok())
        .and_then(|v| v.pointer(&format!("/exercises/{name}")).cloned());
    let recorded = entry.as_ref().is_some_and(|e| {
        e["tried"] == true && e["done"] == false && e["hints"] == 1 && e["last_check"].is_u64()
    });
    expect(
        &format!(
            "`progress --export` should record {name} as tried, not done, 1 hint, with its \
             check's time (found {entry:?})"
        ),
        ok && recorded,
        &output,
        "handout-export",
    )?;
    Ok(format!(
        "{name}: check fails, hint, list, reset and export work, solution says there is none"
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn file(path: &str, text: &str) -> Tracked {
        Tracked::new(path, text.as_bytes())
    }

    const SOLVED: &str = "pub fn total(items: &[u32]) -> u32 {\n    \
        // Why this works: folding keeps a running sum.\n    \
        let mut running_sum = 0;\n    \
        for item in items {\n        \
        running_sum += *item;\n    \
        }\n    \
        running_sum\n}\n";

    const CODE_HINT: &str = "Keep a sum:\n\n```rust\nlet mut running_sum = 0;\n\
        for item in items {\n    running_sum += *item;\n}\n```\n";

    fn workbook(hint: &str) -> Vec<Tracked> {
        vec![
            file("solutions/01-a/01-total/src/lib.rs", SOLVED),
            file(
                "exercises/01-a/01-total/src/lib.rs",
                "pub fn total(items: &[u32]) -> u32 {\n    todo!(\"add them up\")\n}\n",
            ),
            file("exercises/01-a/01-total/hints/3.md", hint),
            file(
                "book/src/01-a/01-total.md",
                "    let mut running_sum = 0;\n",
            ),
        ]
    }

    #[test]
    fn a_solution_line_found_nowhere_else_must_not_be_in_the_copy() {
        let texts = distinctive(&workbook("Think of a running total.\n"));
        let leak = "notes\n// Why this works: folding keeps a running sum.\n";
        let (found, _) = find_solution_text(&texts, leak, false, None);
        let found = found.join("\n");
        assert!(
            found.contains("solutions/01-a/01-total/src/lib.rs"),
            "{found}"
        );
        assert_eq!(
            find_solution_text(&texts, "    let mut running_sum = 0;\n", false, None).0,
            Vec::<String>::new(),
            "a line the book shows is not distinctive on its own"
        );
        assert_eq!(
            find_solution_text(
                &texts,
                "pub fn total(items: &[u32]) -> u32 {\n",
                false,
                None
            )
            .0,
            Vec::<String>::new(),
            "the starter's own lines are not distinctive"
        );
    }

    #[test]
    fn a_copied_block_is_found_even_when_each_line_is_shared() {
        let mut committed = workbook("Think of a running total.\n");
        // Every line of the solution now appears somewhere else too.
        committed.push(file("support/src/lib.rs", SOLVED));
        let texts = distinctive(&committed);
        let in_a_page = format!(
            "<pre><code class=\"language-rust\">{}</code></pre>",
            SOLVED.replace('&', "&amp;")
        );
        let (found, _) = find_solution_text(&texts, &in_a_page, true, None);
        assert!(
            found.len() == 1 && found[0].contains("4 distinctive lines"),
            "{found:?}"
        );
    }

    #[test]
    fn a_later_exercise_may_carry_an_earlier_answer() {
        let texts = distinctive(&workbook("Think of a running total.\n"));
        let later = Path::new("exercises/02-b/01-sum-all/src/given.rs");
        let earlier = Path::new("exercises/01-a/00-warm-up/src/lib.rs");
        let page = Path::new("book/book/02-b/01-sum-all.html");
        assert_eq!(place(later).as_deref(), Some("02-b/01-sum-all"));
        assert_eq!(place(page).as_deref(), Some("02-b/01-sum-all"));
        assert_eq!(place(Path::new("book/src/02-b/index.md")), None);
        for (file, carried) in [(later, true), (page, true), (earlier, false)] {
            let (problems, later) =
                find_solution_text(&texts, SOLVED, false, place(file).as_deref());
            assert_eq!(
                (problems.len(), later.len()),
                if carried { (0, 1) } else { (1, 0) },
                "{}",
                file.display()
            );
        }
    }

    #[test]
    fn a_small_solution_copied_into_the_workbook_itself_is_found() {
        let solved = "//! Why this works: `+` adds.\n\n\
                      pub fn add(a: u32, b: u32) -> u32 {\n    a + b\n}\n";
        let committed = vec![
            file("solutions/01-a/01-add/src/lib.rs", solved),
            file(
                "exercises/01-a/01-add/src/lib.rs",
                "use std::ops::Add;\n\npub fn add(a: u32, b: u32) -> u32 {\n    a\n}\n",
            ),
            // The copy makes each line shared, so none is found nowhere else.
            file("notes/add.rs", solved),
        ];
        let texts = distinctive(&committed);
        let (found, _) = find_solution_text(&texts, solved, false, None);
        assert!(
            found.len() == 1 && found[0].contains("1 distinctive lines"),
            "its one distinctive line is all it takes: {found:?}"
        );
        let imports = "use std::ops::Add;\nuse std::fmt::Debug;\n";
        assert_eq!(
            find_solution_text(&texts, imports, false, None).0,
            Vec::<String>::new(),
            "imports say nothing about the answer"
        );
    }

    #[test]
    fn the_exercises_own_hints_are_not_a_leak() {
        let mut committed = workbook(CODE_HINT);
        committed.push(file("support/src/lib.rs", SOLVED));
        let texts = distinctive(&committed);
        assert_eq!(
            find_solution_text(&texts, CODE_HINT, false, None),
            (Vec::new(), Vec::new())
        );
    }
}
