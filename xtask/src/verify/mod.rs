//! `cargo xtask verify`: proves the workbook's invariants (DESIGN.md) on a
//! scratch copy, so the learner's files are never written.

mod cargo_test;
mod exercise;
mod layout;
mod process;
mod report;
mod scratch;
mod snippets;

use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode};
use std::time::Duration;

use anyhow::{Result, bail};

use self::process::{Finished, run_bounded};
use self::report::{Report, none_or};
use crate::book;
use crate::workbook::{Exercise, Workbook};

#[derive(clap::Args)]
pub struct Options {
    /// Check only these exercises (package names); the book and lints are
    /// always checked.
    pub exercises: Vec<String>,
    /// Time bound, in seconds, for each test run of a starter or a solution
    /// (it includes compiling trybuild cases).
    #[arg(long, default_value_t = 300)]
    pub timeout: u64,
}

/// Time bound for building everything in one go, and for one snippet run.
const BUILD_LIMIT: Duration = Duration::from_secs(1200);
const SNIPPET_RUN_LIMIT: Duration = Duration::from_secs(30);

struct Verifier {
    scratch: PathBuf,
    logs: PathBuf,
    target_dir: PathBuf,
    test_limit: Duration,
}

pub fn run(workbook: &Workbook, options: &Options) -> Result<ExitCode> {
    let selected = select(workbook, &options.exercises)?;
    let work = workbook.target_dir.join("verify");
    let verifier = Verifier {
        scratch: work.join("workbook"),
        logs: work.join("logs"),
        target_dir: workbook.target_dir.clone(),
        test_limit: Duration::from_secs(options.timeout),
    };
    let learner_files_before = learner_files(&workbook.root)?;
    scratch::copy_workbook(&workbook.root, &verifier.scratch)?;
    std::fs::create_dir_all(&verifier.logs)?;
    let copy = Workbook::load(&verifier.scratch)?;
    let (snippets, refused) = snippets::extract(&copy.book_src())?;

    let tool_checks = usize::from(!copy.tool_packages.is_empty());
    let total = 2 + snippets.len() + 3 * selected.len() + tool_checks + 2 + 1;
    println!(
        "Verifying {} exercises, the book and {} snippets on a scratch copy in {}",
        selected.len(),
        snippets.len(),
        verifier.scratch.display()
    );
    let mut report = Report::new(total);

    report.check("the book builds without warnings", || {
        let built = book::build(&copy, Some(&verifier.scratch.join("book/book")))
            .map_err(|e| format!("{e:#}"))?;
        none_or(built.warnings, "no warnings")
    });
    report.check("book links, includes and exercise boxes resolve", || {
        let mut problems = layout::book_problems(&copy);
        problems.extend(refused.iter().cloned());
        none_or(problems, "all resolve")
    });
    verifier.check_snippets(&mut report, &copy.snippet_dependencies, &snippets)?;

    for exercise in &selected {
        report.check(
            &format!(
                "{}: page, README, hints and solution in place",
                exercise.name
            ),
            || none_or(layout::exercise_problems(&copy, exercise), "in place"),
        );
    }
    verifier.prebuild(&selected, "starters")?;
    for exercise in &selected {
        report.check(
            &format!("{}: starter fails as declared", exercise.name),
            || {
                let run = verifier.test(exercise, "starter")?;
                exercise::judge_starter(exercise, &run)
                    .map_err(|why| verifier.with_log(why, exercise, "starter"))
            },
        );
    }
    scratch::apply_solutions(&verifier.scratch, &copy.exercises)?;
    verifier.prebuild(&selected, "solutions")?;
    for exercise in &selected {
        report.check(&format!("{}: solution passes", exercise.name), || {
            let run = verifier.test(exercise, "solution")?;
            exercise::judge_passing(&run, "the solution")
                .map_err(|why| verifier.with_log(why, exercise, "solution"))
        });
    }

    report.check(
        "clippy -D warnings: xtask, support crates, solutions and tests",
        || {
            verifier.cargo_ok(
                "clippy",
                &[
                    "clippy",
                    "--workspace",
                    "--exclude",
                    "book-snippets",
                    "--all-targets",
                    "--",
                    "-D",
                    "warnings",
                ],
            )
        },
    );
    report.check("rustfmt --check: starters, solutions, tests, xtask", || {
        let starters = verifier.cargo_ok_in(
            &workbook.root,
            "fmt-starters",
            &["fmt", "--all", "--check", "--", "--color", "never"],
        )?;
        let solutions = verifier.cargo_ok(
            "fmt-solutions",
            &["fmt", "--all", "--check", "--", "--color", "never"],
        )?;
        Ok(format!("{starters}; {solutions}"))
    });
    report.check(
        "the learner's exercises and solutions were not written",
        || {
            let after = learner_files(&workbook.root).map_err(|e| e.to_string())?;
            if after == learner_files_before {
                Ok("untouched".to_owned())
            } else {
                Err("files under exercises/ or solutions/ changed while verify ran".to_owned())
            }
        },
    );

    Ok(if report.finish() {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    })
}

fn select<'a>(workbook: &'a Workbook, names: &[String]) -> Result<Vec<&'a Exercise>> {
    if names.is_empty() {
        return Ok(workbook.exercises.iter().collect());
    }
    names
        .iter()
        .map(|name| match workbook.find(name) {
            Some(e) => Ok(e),
            None => bail!("no exercise is called `{name}` (see `cargo xtask list`)"),
        })
        .collect()
}

fn learner_files(root: &Path) -> Result<Vec<(PathBuf, Vec<u8>)>> {
    let mut files = scratch::fingerprint(&root.join("exercises"))?;
    files.extend(scratch::fingerprint(&root.join("solutions"))?);
    Ok(files)
}

impl Verifier {
    /// A cargo command in the scratch workspace that accepts nothing
    /// silently: CI mode for trybuild and insta.
    fn cargo(&self, dir: &Path, args: &[&str]) -> Command {
        let mut command = Command::new(std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into()));
        command
            .args(args)
            .current_dir(dir)
            .env("CI", "true")
            .env("INSTA_UPDATE", "no")
            .env_remove("TRYBUILD")
            .env("CARGO_TARGET_DIR", &self.target_dir)
            .env("CARGO_TERM_COLOR", "never")
            .env("RUST_BACKTRACE", "0");
        command
    }

    fn log(&self, name: &str) -> PathBuf {
        self.logs.join(format!("{name}.log"))
    }

    fn with_log(&self, why: String, exercise: &Exercise, phase: &str) -> String {
        let log = self.log(&format!("{}-{phase}", exercise.name));
        format!("{why}\nfull output: {}", log.display())
    }

    fn test(&self, exercise: &Exercise, phase: &str) -> Result<Finished, String> {
        let mut command = self.cargo(
            &self.scratch,
            &["test", "-p", &exercise.name, "--no-fail-fast"],
        );
        run_bounded(
            &mut command,
            self.test_limit,
            &self.log(&format!("{}-{phase}", exercise.name)),
        )
        .map_err(|e| format!("{e:#}"))
    }

    /// Compiles all selected crates' tests in one cargo call, so both cores
    /// work; the checks that follow then only run. Failures are reported by
    /// those checks, so the result is ignored here.
    fn prebuild(&self, exercises: &[&Exercise], phase: &str) -> Result<()> {
        let mut args = vec!["build", "--tests", "--keep-going"];
        for e in exercises {
            args.extend(["-p", e.name.as_str()]);
        }
        println!("      (building the {phase})");
        run_bounded(
            &mut self.cargo(&self.scratch, &args),
            BUILD_LIMIT,
            &self.log(&format!("build-{phase}")),
        )?;
        Ok(())
    }

    fn cargo_ok(&self, log: &str, args: &[&str]) -> Result<String, String> {
        self.cargo_ok_in(&self.scratch, log, args)
    }

    fn cargo_ok_in(&self, dir: &Path, log: &str, args: &[&str]) -> Result<String, String> {
        let log = self.log(log);
        let run = run_bounded(&mut self.cargo(dir, args), BUILD_LIMIT, &log)
            .map_err(|e| format!("{e:#}"))?;
        match run.success {
            Some(true) => Ok("clean".to_owned()),
            Some(false) => Err(format!(
                "{}\nfull output: {}",
                excerpt(&run.output),
                log.display()
            )),
            None => Err(format!("timed out; full output: {}", log.display())),
        }
    }

    fn check_snippets(
        &self,
        report: &mut Report,
        dependencies: &[String],
        snippets: &[snippets::Snippet],
    ) -> Result<()> {
        if snippets.is_empty() {
            return Ok(());
        }
        snippets::write_crate(&self.scratch, dependencies, snippets)?;
        println!("      (building the snippets)");
        let build = run_bounded(
            &mut self.cargo(
                &self.scratch,
                &["build", "-p", "book-snippets", "--bins", "--keep-going"],
            ),
            BUILD_LIMIT,
            &self.log("snippets-build"),
        )?;
        let failures = snippets::compile_failures(&build.output, snippets);
        for snippet in snippets {
            let label = format!(
                "snippet {} compiles{}",
                snippet.label(),
                if snippet.run { " and runs" } else { "" }
            );
            report.check(&label, || {
                if let Some((_, error)) = failures.iter().find(|(bin, _)| *bin == snippet.bin) {
                    return Err(error.clone());
                }
                if build.timed_out() {
                    return Err("building the snippets timed out".to_owned());
                }
                if !snippet.run {
                    return Ok("compiled (no_run)".to_owned());
                }
                let binary = self.target_dir.join("debug").join(&snippet.bin);
                let log = self.log(&format!("snippet-{}", snippet.bin));
                let run = run_bounded(&mut Command::new(binary), SNIPPET_RUN_LIMIT, &log)
                    .map_err(|e| format!("{e:#}"))?;
                match run.success {
                    Some(true) => Ok("ran".to_owned()),
                    Some(false) => {
                        Err(format!("it exits with an error:\n{}", excerpt(&run.output)))
                    }
                    None => Err(format!("it did not finish within {SNIPPET_RUN_LIMIT:?}")),
                }
            });
        }
        Ok(())
    }
}

/// The last lines of a long output: where the error usually is.
fn excerpt(output: &str) -> String {
    let lines: Vec<&str> = output.lines().collect();
    lines[lines.len().saturating_sub(15)..].join("\n")
}
