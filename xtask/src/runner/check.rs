//! Runs one exercise's tests, bounded, and turns cargo's output into a
//! compact result: the first compile error, or the failing tests with their
//! messages, or done.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::time::Duration;

use anyhow::Result;

use crate::cargo_test;
use crate::process::{Finished, cargo, run_tests_bounded};
use crate::workbook::{Exercise, Workbook};

/// Compiling is not bounded by the test time limit: a first build compiles
/// the dependencies.
const BUILD_LIMIT: Duration = Duration::from_secs(900);
/// Trybuild compiles its cases (the first time, their dependencies too)
/// while its test runs, so the `ui` test gets this many times the limit.
const UI_FACTOR: u32 = 9;

pub enum Outcome {
    Passed {
        tests: usize,
    },
    CompileError {
        error: String,
    },
    Failed {
        failures: Vec<Failure>,
        passed: usize,
    },
    TimedOut {
        limit: Duration,
        stage: Stage,
    },
}

/// What a run that was stopped at its time limit was doing.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stage {
    /// Running the behaviour tests: most likely a hang.
    Testing,
    /// Still compiling the crate and its tests.
    Compiling,
    /// The trybuild run, which compiles its cases while it runs.
    CompilingUiChecks,
}

pub struct Failure {
    pub name: String,
    pub message: String,
    /// Where the test is declared, for a stable, meaningful order.
    rank: Rank,
}

/// A failing test's place: its target (unit tests, then `tests/*.rs` by
/// file name, then `tests/stress.rs`, trybuild checks last), then the byte
/// offset of its `fn` in that file. Tests not found in their file come last.
/// A stress test repeats what the other tests check once, so their failures
/// say more; the trybuild checks only compile.
type Rank = (usize, usize);

/// Finds where tests are declared in an exercise's test files, reading
/// each file once.
struct DeclarationOrder {
    dir: PathBuf,
    /// Target file (relative to the crate), in display order.
    targets: Vec<String>,
    sources: HashMap<String, String>,
}

impl DeclarationOrder {
    fn new(dir: &Path, test_targets: &[String]) -> Self {
        let mut targets = vec!["src/lib.rs".to_owned()];
        let last = ["stress", "ui"];
        // The files compiled into the crate by `tests/mod.rs`, and the test
        // targets of their own (`tests/ui.rs`, or one that needs a process
        // to itself).
        let mut files: Vec<String> = crate::workbook::test_files(dir)
            .into_iter()
            .chain(test_targets.iter().cloned())
            .filter(|stem| !last.contains(&stem.as_str()))
            .collect();
        files.sort();
        files.dedup();
        targets.extend(files.iter().map(|stem| format!("tests/{stem}.rs")));
        targets.extend(last.map(|t| format!("tests/{t}.rs")));
        Self {
            dir: dir.to_path_buf(),
            targets,
            sources: HashMap::new(),
        }
    }

    /// `target` as cargo prints it (`tests/ui.rs`, `unittests root.rs`),
    /// `name` as libtest does: `tests::countdown::wakes` for a test of
    /// `tests/countdown.rs` compiled into the crate, `exercise::tests::x`
    /// for a unit test in `src/lib.rs`.
    fn rank(&mut self, target: &str, name: &str) -> Rank {
        let file = match target.strip_prefix("unittests ") {
            Some(_) => match name
                .strip_prefix("tests::")
                .and_then(|rest| rest.split_once("::"))
            {
                Some((stem, _)) => format!("tests/{stem}.rs"),
                None => "src/lib.rs".to_owned(),
            },
            None => target.to_owned(),
        };
        let Some(index) = self.targets.iter().position(|t| *t == file) else {
            return (self.targets.len(), usize::MAX);
        };
        let source = self.sources.entry(file).or_insert_with_key(|file| {
            std::fs::read_to_string(self.dir.join(file)).unwrap_or_default()
        });
        let short = name.rsplit("::").next().unwrap_or(name);
        (index, declared_at(source, short).unwrap_or(usize::MAX))
    }
}

/// The byte offset of `fn name` (followed by `(` or `<`) in `source`.
fn declared_at(source: &str, name: &str) -> Option<usize> {
    let needle = format!("fn {name}");
    source.match_indices(&needle).find_map(|(at, _)| {
        let next = source[at + needle.len()..].trim_start().chars().next();
        matches!(next, Some('(' | '<')).then_some(at)
    })
}

/// How a learner's checks run.
pub struct Checker {
    root: PathBuf,
    logs: PathBuf,
    pub limit: Duration,
}

impl Checker {
    pub fn new(workbook: &Workbook, limit: Duration) -> Self {
        Self {
            root: workbook.root.clone(),
            logs: workbook.target_dir.join("workbook-runs"),
            limit,
        }
    }

    pub fn run(&self, exercise: &Exercise) -> Result<Outcome> {
        // Behaviour tests under the learner's time limit; trybuild checks,
        // which compile their cases while they run, under a longer one.
        let crate_dir = self.root.join(exercise.dir());
        let mut behaviour: Vec<String> = Vec::new();
        for target in exercise.test_targets.iter().filter(|t| *t != "ui") {
            behaviour.extend(["--test".to_owned(), target.clone()]);
        }
        // The behaviour tests listed in `tests/mod.rs` are compiled into the
        // lib crate. Without them, `--lib` compiles the crate a second time,
        // as a test harness, and links one more binary: only worth it when
        // there are unit tests.
        if crate_dir.join("tests/mod.rs").exists()
            || has_unit_tests(&crate_dir.join("src"))
            || (behaviour.is_empty() && !exercise.has_ui_tests())
        {
            behaviour.push("--lib".into());
        }
        let mut runs: Vec<(Finished, Duration, bool)> = Vec::new();
        if !behaviour.is_empty() {
            let args: Vec<&str> = ["test", "--no-fail-fast"]
                .into_iter()
                .chain(behaviour.iter().map(String::as_str))
                .collect();
            let run = self.cargo(exercise, &args, self.limit, "test")?;
            runs.push((run, self.limit, false));
        }
        if exercise.has_ui_tests() && !runs.iter().any(|(run, ..)| run.timed_out()) {
            let limit = self.limit * UI_FACTOR;
            let run = self.cargo(exercise, &["test", "--test", "ui"], limit, "ui")?;
            runs.push((run, limit, true));
        }
        if let Some((run, limit, ui)) = runs.iter().find(|(run, ..)| run.timed_out()) {
            return Ok(Outcome::TimedOut {
                limit: *limit,
                stage: stage_stopped(run, *ui),
            });
        }
        let mut failures = Vec::new();
        let mut passed = 0;
        let mut order = DeclarationOrder::new(&crate_dir, &exercise.test_targets);
        for (run, ..) in &runs {
            let parsed = cargo_test::parse(&run.output);
            if !parsed.compiled && run.success != Some(true) {
                let error = first_error_block(&run.output).unwrap_or_else(|| tail(&run.output, 20));
                return Ok(Outcome::CompileError { error });
            }
            passed += parsed.passed;
            for failed in parsed.failed {
                let message = if failed.is_ui() {
                    trybuild_report(&run.output, &crate_dir)
                } else {
                    failure_message(&run.output, &failed.name)
                };
                let rank = order.rank(&failed.target, &failed.name);
                failures.push(Failure {
                    name: failed.name,
                    message,
                    rank,
                });
            }
        }
        // libtest reports failures in completion order, which changes from
        // run to run. Show them in the order they are declared instead:
        // authors put the most basic test first, so the first failure shown
        // is the most telling one, and the view does not jump between runs.
        failures.sort_by(|a, b| a.rank.cmp(&b.rank).then_with(|| a.name.cmp(&b.name)));
        Ok(if failures.is_empty() {
            Outcome::Passed { tests: passed }
        } else {
            Outcome::Failed { failures, passed }
        })
    }

    fn cargo(
        &self,
        exercise: &Exercise,
        args: &[&str],
        limit: Duration,
        log: &str,
    ) -> Result<Finished> {
        let mut command = cargo();
        command
            .args(args)
            .args(["-p", &exercise.name])
            .current_dir(&self.root)
            .env("CARGO_TERM_COLOR", "never")
            .env("RUST_BACKTRACE", "0");
        let log = self.logs.join(format!("{}-{log}.log", exercise.name));
        run_tests_bounded(&mut command, BUILD_LIMIT, limit, &log)
    }
}

/// What a stopped run was doing: a run that started no test binary was
/// compiling; the trybuild run compiles its cases as it goes.
fn stage_stopped(run: &Finished, ui: bool) -> Stage {
    if !run.output.contains("     Running ") {
        Stage::Compiling
    } else if ui {
        Stage::CompilingUiChecks
    } else {
        Stage::Testing
    }
}

/// Whether any file under `src` declares a unit test (`#[test]`,
/// `#[tokio::test]`, a `#[cfg(test)]` module). Unreadable means yes.
fn has_unit_tests(src: &Path) -> bool {
    let Ok(files) = crate::verify::scratch::files_under(src) else {
        return true;
    };
    files.iter().any(|file| {
        std::fs::read_to_string(file).map_or(true, |text| {
            text.contains("test]") || text.contains("cfg(test)")
        })
    })
}

/// The first compiler error and its source lines: the block from the first
/// `error` line to the next blank line.
fn first_error_block(output: &str) -> Option<String> {
    let lines: Vec<&str> = output.lines().collect();
    let start = lines.iter().position(|l| {
        (l.starts_with("error[") || l.starts_with("error:"))
            && !l.starts_with("error: could not compile")
    })?;
    let block: Vec<&str> = lines[start..]
        .iter()
        .take_while(|l| !l.trim().is_empty())
        .take(25)
        .copied()
        .collect();
    Some(block.join("\n"))
}

/// What libtest printed for one failing test, without the noise: the panic
/// location, the assertion message, a snapshot diff or trybuild's report.
fn failure_message(output: &str, name: &str) -> String {
    let header = format!("---- {name} stdout ----");
    let Some(start) = output.find(&header) else {
        return String::new();
    };
    let section = &output[start + header.len()..];
    let end = ["\n---- ", "\nfailures:\n", "\nsuccesses:\n"]
        .iter()
        .filter_map(|marker| section.find(marker))
        .min()
        .unwrap_or(section.len());
    let mut lines = Vec::new();
    for line in strip_ansi(&section[..end]).lines() {
        if line.starts_with("note: run with `RUST_BACKTRACE") || line.contains(".cargo/registry") {
            continue;
        }
        if let Some((_, location)) = line.split_once("panicked at ") {
            lines.push(format!("at {}", location.trim_end_matches(':')));
            continue;
        }
        lines.push(line.to_owned());
    }
    let text = lines.join("\n");
    let text = text.trim();
    let kept: Vec<&str> = text.lines().take(30).collect();
    let more = text.lines().count().saturating_sub(kept.len());
    let mut message = kept.join("\n");
    if more > 0 {
        message.push_str(&format!(
            "\n... ({more} more lines: run `cargo test -p ...` to see them)"
        ));
    }
    message
}

/// Trybuild writes its report straight to the terminal, outside libtest's
/// captured output: each case that is not `ok`, with the compiler's words.
/// A case that should not compile but did gets its leading comment, which
/// says why it must not compile (`crate_dir` is where the cases are).
fn trybuild_report(output: &str, crate_dir: &Path) -> String {
    let clean = strip_ansi(output);
    let mut report = Vec::new();
    let mut in_case = false;
    let mut case = "";
    for line in clean.lines() {
        if line.starts_with("test ") {
            in_case = line.starts_with("test tests/ui/") && !line.ends_with(" ok");
            if in_case {
                let name = line.trim_start_matches("test ");
                case = name.split_once(" ... ").map_or(name, |(file, _)| file);
                report.push(name.to_owned());
            }
            continue;
        }
        if in_case && line.starts_with("Expected test case to fail to compile, but it succeeded") {
            report.push(format!("  {line}"));
            let text = std::fs::read_to_string(crate_dir.join(case)).unwrap_or_default();
            let why = leading_comment(&text);
            if !why.is_empty() {
                report.push(format!("  It must not compile. {case} says why:"));
                report.extend(why.iter().map(|l| format!("  │ {l}").trim_end().to_owned()));
            }
            continue;
        }
        if line.starts_with("---- ")
            || line.starts_with("running ")
            || line.starts_with("failures:")
        {
            in_case = false;
        }
        if in_case && !line.starts_with('┈') && !line.trim().is_empty() {
            report.push(format!("  {line}"));
        }
    }
    report.truncate(40);
    report.join("\n")
}

/// The `//` comment lines a file starts with, without their `//`.
fn leading_comment(text: &str) -> Vec<&str> {
    text.lines()
        .map_while(|line| line.strip_prefix("//"))
        .filter(|line| !line.starts_with('!') && !line.starts_with('/'))
        .map(|line| line.strip_prefix(' ').unwrap_or(line))
        .collect()
}

fn strip_ansi(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars();
    while let Some(c) = chars.next() {
        if c == '\u{1b}' {
            // Skip a CSI sequence: ESC [ ... final byte in @..~
            if chars.next() == Some('[') {
                for c in chars.by_ref() {
                    if ('@'..='~').contains(&c) {
                        break;
                    }
                }
            }
        } else {
            out.push(c);
        }
    }
    out
}

fn tail(output: &str, n: usize) -> String {
    let lines: Vec<&str> = output.lines().collect();
    lines[lines.len().saturating_sub(n)..].join("\n")
}

/// The result as the learner sees it, for the terminal.
pub fn render(outcome: &Outcome) -> String {
    match outcome {
        Outcome::Passed { tests } => format!("✓ all {tests} tests pass. Done!"),
        Outcome::CompileError { error } => {
            format!("✗ it does not compile yet. The first error:\n\n{error}")
        }
        Outcome::TimedOut {
            stage: Stage::Compiling,
            ..
        } => format!(
            "✗ compiling the tests took more than {} s, so it was stopped.\n\n\
             The first build compiles the dependencies, which can take minutes on a busy machine.\n\
             Run the check again: what was built is kept.",
            BUILD_LIMIT.as_secs()
        ),
        Outcome::TimedOut {
            limit,
            stage: Stage::CompilingUiChecks,
        } => format!(
            "✗ the compile-fail checks (tests/ui) were still compiling after {} s, so they were stopped.\n\n\
             Their first run builds the dependencies for them, about a minute of CPU time, longer on\n\
             a busy machine. Run the check again (what was built is kept), or give them more time with\n\
             --timeout SECONDS (they get {UI_FACTOR} times that limit).",
            limit.as_secs()
        ),
        Outcome::TimedOut {
            limit,
            stage: Stage::Testing,
        } => format!(
            "✗ the tests did not finish within {} s, so they were stopped.\n\n\
             In async code this usually means one of:\n\
             - a future returned Pending, but its waker is never woken, so it is never polled again;\n\
             - a blocking call (std::thread::sleep, a blocking lock or channel, a busy loop) holds the\n  \
               runtime's thread, so nothing else runs;\n\
             - two tasks wait for each other (a deadlock).\n\
             Give the limit more time with --timeout SECONDS if the tests are just slow.",
            limit.as_secs()
        ),
        Outcome::Failed { failures, passed } => {
            let shown = 3;
            let mut text = format!("✗ {} failing, {passed} passing\n", failures.len());
            for failure in failures.iter().take(shown) {
                text.push_str(&format!("\n● {}\n", failure.name));
                for line in failure.message.lines() {
                    text.push_str(&format!("  {line}\n"));
                }
            }
            if failures.len() > shown {
                let rest: Vec<&str> = failures[shown..].iter().map(|f| f.name.as_str()).collect();
                text.push_str(&format!("\n… and {}: {}\n", rest.len(), rest.join(", ")));
            }
            text.trim_end().to_owned()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const OUTPUT: &str = "running 2 tests\ntest a ... ok\ntest b ... FAILED\n\nfailures:\n\n\
        ---- b stdout ----\n\nthread 'test body' (7) panicked at tests/x.rs:3:5:\nexpected 5 wake-ups\n  left: 0\n\
        note: run with `RUST_BACKTRACE=1` environment variable to display a backtrace\n\n\nfailures:\n    b\n";

    #[test]
    fn keeps_the_location_and_message_of_a_failure() {
        assert_eq!(
            failure_message(OUTPUT, "b"),
            "at tests/x.rs:3:5\nexpected 5 wake-ups\n  left: 0"
        );
    }

    #[test]
    fn finds_the_first_error_block() {
        let output = "   Compiling x\nwarning: unused\n\nerror[E0308]: mismatched types\n --> src/lib.rs:3:5\n  |\n3 |   a\n\nerror: could not compile `x`\n";
        assert_eq!(
            first_error_block(output).as_deref(),
            Some("error[E0308]: mismatched types\n --> src/lib.rs:3:5\n  |\n3 |   a")
        );
    }

    #[test]
    fn reports_the_trybuild_cases_that_fail() {
        let output = "running 1 test\n   Compiling x\n\n\ntest \u{1b}[1mtests/ui/a.rs\u{1b}[0m ... ok\n\
                      test tests/ui/b.rs ... error\n┈┈┈┈\nerror[E0728]: `await` is only allowed\n --> tests/ui/b.rs:9:45\n┈┈┈┈\n\n\n\
                      test ui ... FAILED\n";
        assert_eq!(
            trybuild_report(output, Path::new("/nowhere")),
            "tests/ui/b.rs ... error\n  error[E0728]: `await` is only allowed\n   --> tests/ui/b.rs:9:45"
        );
    }

    #[test]
    fn a_case_that_compiled_but_should_not_shows_why_it_must_not() {
        let dir = tempfile::tempdir().expect("temp dir");
        std::fs::create_dir_all(dir.path().join("tests/ui")).expect("ui dir");
        std::fs::write(
            dir.path().join("tests/ui/twice.rs"),
            "// Sending twice must not compile:\n//\n// `send` takes `self`.\nfn main() {}\n// not this\n",
        )
        .expect("write");
        let output = "test tests/ui/twice.rs ... \u{1b}[31merror\n\
                      Expected test case to fail to compile, but it succeeded.\u{1b}[0m\n\n\n\
                      test ui ... FAILED\n";
        assert_eq!(
            trybuild_report(output, dir.path()),
            "tests/ui/twice.rs ... error\n  \
             Expected test case to fail to compile, but it succeeded.\n  \
             It must not compile. tests/ui/twice.rs says why:\n  \
             │ Sending twice must not compile:\n  \
             │\n  \
             │ `send` takes `self`."
        );
    }

    #[test]
    fn failures_are_ranked_by_where_they_are_declared() {
        let dir = tempfile::tempdir().expect("temp dir");
        std::fs::create_dir_all(dir.path().join("tests")).expect("tests dir");
        std::fs::write(
            dir.path().join("tests/b.rs"),
            "#[test]\nfn zero_first() {}\n#[test]\nfn a_later() {}\nfn a_later_helper() {}\n",
        )
        .expect("write");
        std::fs::write(dir.path().join("tests/a.rs"), "#[test]\nfn z() {}\n").expect("write");
        std::fs::create_dir_all(dir.path().join("src")).expect("src dir");
        std::fs::write(
            dir.path().join("src/lib.rs"),
            "mod tests { #[test] fn inner() {} }",
        )
        .expect("write");
        std::fs::write(
            dir.path().join("tests/stress.rs"),
            "#[test]\nfn many() {}\n",
        )
        .expect("write");
        std::fs::write(
            dir.path().join("tests/mod.rs"),
            "mod a;\nmod b;\nmod stress;\n",
        )
        .expect("write");
        // `c` is a test target of its own, as `ui` is; the others are
        // compiled into the crate.
        std::fs::write(dir.path().join("tests/c.rs"), "#[test]\nfn alone() {}\n").expect("write");
        let targets = ["ui", "c"].map(str::to_owned);
        let mut order = DeclarationOrder::new(dir.path(), &targets);
        let lib = "unittests root.rs";
        let mut names = [
            ("tests/ui.rs", "ui"),
            (lib, "tests::stress::many"),
            ("tests/c.rs", "alone"),
            (lib, "tests::b::a_later"),
            (lib, "tests::b::zero_first"),
            (lib, "tests::b::made_by_a_macro"),
            (lib, "tests::a::z"),
            (lib, "exercise::tests::inner"),
        ];
        names.sort_by_key(|(target, name)| order.rank(target, name));
        let names: Vec<&str> = names.iter().map(|(_, name)| *name).collect();
        assert_eq!(
            names,
            [
                "exercise::tests::inner",
                "tests::a::z",
                "tests::b::zero_first",
                "tests::b::a_later",
                "tests::b::made_by_a_macro",
                "alone",
                "tests::stress::many",
                "ui"
            ],
            "unit tests, then test files by name, each in declaration order (a test not \
             found in its file last), then stress tests, then trybuild checks"
        );
    }

    #[test]
    fn unit_tests_are_found_in_any_source_file() {
        let dir = tempfile::tempdir().expect("temp dir");
        let src = dir.path().join("src");
        std::fs::create_dir_all(src.join("nested")).expect("src dir");
        std::fs::write(src.join("lib.rs"), "pub fn f() {}\n").expect("write");
        assert!(!has_unit_tests(&src), "no test attribute anywhere");
        std::fs::write(src.join("nested/more.rs"), "#[cfg(test)]\nmod tests {}\n").expect("write");
        assert!(has_unit_tests(&src), "a cfg(test) module in a nested file");
    }

    #[test]
    fn a_stopped_run_is_told_apart_from_a_hang() {
        let run = |output: &str| Finished {
            success: None,
            output: output.to_owned(),
            elapsed: Duration::from_secs(1),
        };
        let compiling = run("   Compiling tokio v1.0.0\n");
        let testing = run("   Compiling x\n     Running tests/x.rs (target/debug/deps/x)\n");
        assert_eq!(stage_stopped(&compiling, false), Stage::Compiling);
        assert_eq!(stage_stopped(&compiling, true), Stage::Compiling);
        assert_eq!(stage_stopped(&testing, false), Stage::Testing);
        assert_eq!(stage_stopped(&testing, true), Stage::CompilingUiChecks);

        let limit = Duration::from_secs(180);
        let ui = render(&Outcome::TimedOut {
            limit,
            stage: Stage::CompilingUiChecks,
        });
        assert!(ui.contains("compile-fail checks"), "{ui}");
        assert!(ui.contains("--timeout"), "{ui}");
        assert!(!ui.contains("deadlock"), "no async hangs for a build: {ui}");
        let build = render(&Outcome::TimedOut {
            limit,
            stage: Stage::Compiling,
        });
        assert!(build.contains("compiling the tests"), "{build}");
        assert!(!build.contains("deadlock"), "{build}");
        let hang = render(&Outcome::TimedOut {
            limit: Duration::from_secs(20),
            stage: Stage::Testing,
        });
        assert!(
            hang.contains("within 20 s") && hang.contains("deadlock"),
            "{hang}"
        );
    }

    #[test]
    fn strips_colours() {
        assert_eq!(strip_ansi("\u{1b}[31mred\u{1b}[0m"), "red");
    }
}
