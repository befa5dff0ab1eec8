//! Runs one exercise's tests, bounded, and turns cargo's output into a
//! compact result: the first compile error, or the failing tests with their
//! messages, or done.

use std::path::PathBuf;
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
    },
}

pub struct Failure {
    pub name: String,
    pub message: String,
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
        let mut behaviour: Vec<String> =
            vec!["test".into(), "--no-fail-fast".into(), "--lib".into()];
        for target in exercise.test_targets.iter().filter(|t| *t != "ui") {
            behaviour.extend(["--test".to_owned(), target.clone()]);
        }
        let behaviour: Vec<&str> = behaviour.iter().map(String::as_str).collect();
        let mut runs = vec![self.cargo(exercise, &behaviour, self.limit, "test")?];
        if exercise.has_ui_tests() && !runs[0].timed_out() {
            runs.push(self.cargo(
                exercise,
                &["test", "--test", "ui"],
                self.limit * UI_FACTOR,
                "ui",
            )?);
        }
        if let Some(at) = runs.iter().position(Finished::timed_out) {
            let limit = if at == 0 {
                self.limit
            } else {
                self.limit * UI_FACTOR
            };
            return Ok(Outcome::TimedOut { limit });
        }
        let mut failures = Vec::new();
        let mut passed = 0;
        for run in &runs {
            let parsed = cargo_test::parse(&run.output);
            if !parsed.compiled && run.success != Some(true) {
                let error = first_error_block(&run.output).unwrap_or_else(|| tail(&run.output, 20));
                return Ok(Outcome::CompileError { error });
            }
            passed += parsed.passed;
            for failed in parsed.failed {
                let message = if failed.is_ui() {
                    trybuild_report(&run.output)
                } else {
                    failure_message(&run.output, &failed.name)
                };
                failures.push(Failure {
                    name: failed.name,
                    message,
                });
            }
        }
        // libtest reports failures in completion order; a stable order keeps
        // the watch view from jumping between runs.
        failures.sort_by(|a, b| a.name.cmp(&b.name));
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
fn trybuild_report(output: &str) -> String {
    let clean = strip_ansi(output);
    let mut report = Vec::new();
    let mut in_case = false;
    for line in clean.lines() {
        if line.starts_with("test ") {
            in_case = line.starts_with("test tests/ui/") && !line.ends_with(" ok");
            if in_case {
                report.push(line.trim_start_matches("test ").to_owned());
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
        Outcome::TimedOut { limit } => format!(
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
            trybuild_report(output),
            "tests/ui/b.rs ... error\n  error[E0728]: `await` is only allowed\n   --> tests/ui/b.rs:9:45"
        );
    }

    #[test]
    fn strips_colours() {
        assert_eq!(strip_ansi("\u{1b}[31mred\u{1b}[0m"), "red");
    }
}
