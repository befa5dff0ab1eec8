//! `cargo xtask verify`: proves the workbook's invariants (DESIGN.md) on a
//! scratch copy, so the learner's files are never written.
//!
//! The scratch copy builds into its own target directory. Cargo names a
//! workspace member's artifacts by its path *relative to the workspace*,
//! so a shared target directory would let the scratch copy's solution
//! binaries pass for the learner's own, fresh-looking builds.

mod browser;
mod exercise;
mod guide;
mod handout;
mod layout;
mod miri;
mod quizzes;
mod report;
pub mod scratch;
mod shipped;
mod snippets;

use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode};
use std::time::Duration;

use anyhow::{Context, Result, bail};

use self::report::{Report, none_or};
use crate::book;
use crate::process::{Finished, cargo, run_bounded};
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
    /// Check the learner-edited files as they are in the working tree, not
    /// as committed in git's HEAD (authors' uncommitted starters).
    #[arg(long)]
    pub working_tree: bool,
    /// Skip the checks in headless Chromium (counted as skipped), where
    /// Chromium cannot be installed.
    #[arg(long, env = "WORKBOOK_NO_BROWSER", value_parser = clap::builder::BoolishValueParser::new())]
    pub no_browser: bool,
    /// Run only the browser checks, on a book already built in DIR (with
    /// this workbook's exercises).
    #[arg(long, value_name = "DIR")]
    pub browser_only: Option<PathBuf>,
}

/// Time bound for building everything in one go, and for one snippet run.
const BUILD_LIMIT: Duration = Duration::from_secs(1200);
const SNIPPET_RUN_LIMIT: Duration = Duration::from_secs(30);
const FMT_CHECK: &[&str] = &["fmt", "--all", "--check", "--", "--color", "never"];

/// A workspace cargo runs in, and where it builds.
struct Place {
    dir: PathBuf,
    target: PathBuf,
}

struct Verifier {
    /// The learner's workbook: read, built (tools only), never written.
    original: Place,
    /// The copy where starters and solutions are tested.
    scratch: Place,
    logs: PathBuf,
    test_limit: Duration,
}

pub fn run(workbook: &Workbook, options: &Options) -> Result<ExitCode> {
    if let Some(html) = &options.browser_only {
        return Ok(browser_only(workbook, html));
    }
    let selected = select(workbook, &options.exercises)?;
    let edited = shipped::learner_changes(workbook)?;
    if let Some(note) = edited.describe(options.working_tree) {
        println!("{note}\n");
    }
    crate::process::kill_children_on_interrupt();
    let work = workbook.target_dir.join("verify");
    let _only_one = one_verify_at_a_time(&work)?;
    let verifier = Verifier {
        original: Place {
            dir: workbook.root.clone(),
            target: workbook.target_dir.clone(),
        },
        scratch: Place {
            dir: scratch::scratch_dir(&workbook.root, "verify"),
            target: work.join("target"),
        },
        logs: work.join("logs"),
        test_limit: Duration::from_secs(options.timeout),
    };
    let learner_files_before = learner_files(&workbook.root)?;
    scratch::copy_workbook(&workbook.root, &verifier.scratch.dir)?;
    let _remove_scratch = shipped::ScratchGuard::new(&verifier.scratch.dir);
    if !options.working_tree {
        edited.restore_into(&verifier.scratch.dir)?;
    }
    std::fs::create_dir_all(&verifier.logs)?;
    // The starters as checked (not the learner's answers), before the
    // snippet crate or the solutions join the scratch copy.
    let starters_fmt = verifier.succeeds(&verifier.scratch, FMT_CHECK, "fmt-starters");
    let copy = Workbook::load(&verifier.scratch.dir)?;
    let (snippets, refused) = snippets::extract(&copy.book_src())?;
    let quizzes = quizzes::collect(&copy.book_src());

    let tool_checks = if copy.tool_packages.is_empty() { 0 } else { 2 };
    let miri_checks = selected.iter().filter(|e| e.miri).count();
    // A book without quizzes has no quiz checks.
    let has_quizzes = quizzes.quizzes > 0 || !quizzes.problems.is_empty();
    let quiz_checks = usize::from(has_quizzes) + quizzes.programs.len();
    let total = 2
        + guide::CHECKS
        + snippets.len()
        + quiz_checks
        + 3 * selected.len()
        + miri_checks
        + tool_checks
        + 3;
    println!(
        "Verifying {} exercises, the book and {} snippets as shipped, on a scratch copy \
         in {} (removed when verify ends)",
        selected.len(),
        snippets.len(),
        verifier.scratch.dir.display()
    );
    let mut report = Report::new(total + handout::CHECKS + browser::CHECKS);

    report.check("the book builds without warnings", || {
        let built = book::build(&copy, Some(&verifier.scratch.dir.join("book/book")))
            .map_err(|e| format!("{e:#}"))?;
        none_or(built.warnings, "no warnings")
    });
    report.check("book links, includes and exercise boxes resolve", || {
        let mut problems = layout::book_problems(&copy);
        problems.extend(refused.iter().cloned());
        none_or(problems, "all resolve")
    });
    report.check(
        "the instructor guide covers every chapter, with timings from the metadata",
        || none_or(guide::guide_problems(&copy), "complete"),
    );
    let browser_book = browser::Book {
        html: &verifier.scratch.dir.join("book/book"),
        root: &copy.root,
        exercises: &copy.exercises,
        logs: &verifier.logs,
        screenshots: std::env::var_os("WORKBOOK_SCREENSHOTS").map(PathBuf::from),
    };
    browser::check(&mut report, &browser_book, options.no_browser);
    if has_quizzes {
        report.check("the quizzes are well-formed", || {
            let detail = format!(
                "{} quizzes, {} questions, {} programs",
                quizzes.quizzes,
                quizzes.questions,
                quizzes.programs.len()
            );
            none_or(quizzes.problems.clone(), &detail)
        });
    }
    verifier.check_snippets(
        &mut report,
        &copy.snippet_dependencies,
        &snippets,
        &quizzes.programs,
    )?;

    for exercise in &selected {
        let label = format!(
            "{}: page, README, hints and solution in place",
            exercise.name
        );
        report.check(&label, || {
            none_or(layout::exercise_problems(&copy, exercise), "in place")
        });
    }
    verifier.prebuild(&selected, "starters")?;
    for exercise in &selected {
        report.check(
            &format!("{}: starter fails as declared", exercise.name),
            || {
                let run = verifier.test(exercise, "starter")?;
                exercise::judge_starter(exercise, &run)
                    .map_err(|why| verifier.with_log(why, &format!("{}-starter", exercise.name)))
            },
        );
    }
    scratch::apply_solutions(&verifier.scratch.dir, &copy.exercises)?;
    verifier.prebuild(&selected, "solutions")?;
    for exercise in &selected {
        report.check(&format!("{}: solution passes", exercise.name), || {
            let run = verifier.test(exercise, "solution")?;
            exercise::judge_passing(&run, "the solution")
                .map_err(|why| verifier.with_log(why, &format!("{}-solution", exercise.name)))
        });
    }
    // Before the tools' own tests: they rebuild the xtask binary that this
    // check runs in the student copy.
    handout::check(&mut report, workbook, &verifier);
    verifier.check_miri(&mut report, &selected);

    if !copy.tool_packages.is_empty() {
        let tools = with_packages(&[], copy.tool_packages.iter().map(String::as_str));
        report.check(
            &format!(
                "the tools' own tests pass ({})",
                copy.tool_packages.join(", ")
            ),
            || {
                let args = [&["test", "--no-fail-fast"][..], &tools].concat();
                let run = verifier.bounded(&verifier.original, &args, "tools-test", BUILD_LIMIT)?;
                exercise::judge_passing(&run, "the tools' tests")
                    .map_err(|why| verifier.with_log(why, "tools-test"))
            },
        );
        report.check("clippy -D warnings: the tools", || {
            let args = [
                &["clippy", "--all-targets"][..],
                &tools,
                &["--", "-D", "warnings"],
            ]
            .concat();
            verifier.succeeds(&verifier.original, &args, "clippy-tools")
        });
    }
    report.check("clippy -D warnings: the solutions and their tests", || {
        let exercises = with_packages(&[], copy.exercises.iter().map(|e| e.name.as_str()));
        let args = [
            &["clippy", "--all-targets"][..],
            &exercises,
            &["--", "-D", "warnings"],
        ]
        .concat();
        verifier.succeeds(&verifier.scratch, &args, "clippy-solutions")
    });
    report.check(
        "rustfmt --check: starters, solutions, tests and tools",
        || {
            starters_fmt.clone()?;
            // The solutions, but not the generated snippet crate: a page may
            // lay out a fragment for reading rather than for rustfmt.
            let names = copy.exercises.iter().map(|e| e.name.as_str());
            let args = [&with_packages(&["fmt"], names)[..], &FMT_CHECK[2..]].concat();
            verifier.succeeds(&verifier.scratch, &args, "fmt-solutions")
        },
    );
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
    // The next run rebuilds the workbook's own crates from a fresh copy:
    // keep only what the dependencies built.
    let own = scratch::own_packages(&copy);
    let clean_log = verifier.log("clean");
    if let Err(error) = scratch::clean_own_builds(
        &verifier.scratch.dir,
        &verifier.scratch.target,
        &own,
        &clean_log,
    ) {
        eprintln!("note: could not remove the scratch builds: {error:#}");
    }

    Ok(if report.finish() {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    })
}

/// Holds an exclusive lock on `work/lock` for as long as it lives: two
/// verify runs of one checkout share the scratch copy and the target
/// directory, so the second waits for the first instead of clobbering it.
fn one_verify_at_a_time(work: &Path) -> Result<std::fs::File> {
    std::fs::create_dir_all(work)?;
    let path = work.join("lock");
    let file =
        std::fs::File::create(&path).with_context(|| format!("create {}", path.display()))?;
    if file.try_lock().is_err() {
        println!(
            "Another `cargo xtask verify` of this workbook is running; waiting for it to end."
        );
        file.lock()
            .with_context(|| format!("lock {}", path.display()))?;
    }
    Ok(file)
}

/// `--browser-only DIR`: the browser checks alone, on a built book.
fn browser_only(workbook: &Workbook, html: &Path) -> ExitCode {
    let logs = workbook.target_dir.join("verify/logs");
    let book = browser::Book {
        html,
        root: &workbook.root,
        exercises: &workbook.exercises,
        logs: &logs,
        screenshots: std::env::var_os("WORKBOOK_SCREENSHOTS").map(PathBuf::from),
    };
    let mut report = Report::new(browser::CHECKS);
    browser::check(&mut report, &book, false);
    if report.finish() {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    }
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

/// `-p name` for each name, after `args`.
fn with_packages<'a>(args: &[&'a str], names: impl IntoIterator<Item = &'a str>) -> Vec<&'a str> {
    let mut all = args.to_vec();
    for name in names {
        all.extend(["-p", name]);
    }
    all
}

fn learner_files(root: &Path) -> Result<Vec<(PathBuf, Vec<u8>)>> {
    let mut files = scratch::fingerprint(&root.join("exercises"))?;
    files.extend(scratch::fingerprint(&root.join("solutions"))?);
    Ok(files)
}

impl Verifier {
    /// A cargo command that accepts nothing silently: CI mode for trybuild
    /// and insta.
    fn cargo(&self, place: &Place, args: &[&str]) -> Command {
        let mut command = cargo();
        command
            .args(args)
            .current_dir(&place.dir)
            .env("CI", "true")
            .env("INSTA_UPDATE", "no")
            .env_remove("TRYBUILD")
            .env("CARGO_TARGET_DIR", &place.target)
            // Each run builds a fresh copy once: an incremental cache
            // would be written and never read.
            .env("CARGO_INCREMENTAL", "0")
            .env("CARGO_TERM_COLOR", "never")
            .env("RUST_BACKTRACE", "0");
        command
    }

    fn log(&self, name: &str) -> PathBuf {
        self.logs.join(format!("{name}.log"))
    }

    fn with_log(&self, why: String, log: &str) -> String {
        format!("{why}\nfull output: {}", self.log(log).display())
    }

    fn bounded(
        &self,
        place: &Place,
        args: &[&str],
        log: &str,
        limit: Duration,
    ) -> Result<Finished, String> {
        run_bounded(&mut self.cargo(place, args), limit, &self.log(log))
            .map_err(|e| format!("{e:#}"))
    }

    fn test(&self, exercise: &Exercise, phase: &str) -> Result<Finished, String> {
        let args = ["test", "-p", &exercise.name, "--no-fail-fast"];
        self.bounded(
            &self.scratch,
            &args,
            &format!("{}-{phase}", exercise.name),
            self.test_limit,
        )
    }

    /// Compiles all selected crates' tests in one cargo call, so both cores
    /// work; the checks that follow then only run. Failures are reported by
    /// those checks, so the result is ignored here.
    fn prebuild(&self, exercises: &[&Exercise], phase: &str) -> Result<()> {
        let names = exercises.iter().map(|e| e.name.as_str());
        let args = with_packages(&["build", "--tests", "--keep-going"], names);
        println!("      (building the {phase})");
        self.bounded(&self.scratch, &args, &format!("build-{phase}"), BUILD_LIMIT)
            .map_err(anyhow::Error::msg)?;
        Ok(())
    }

    /// Runs cargo and expects success.
    fn succeeds(&self, place: &Place, args: &[&str], log: &str) -> Result<String, String> {
        let run = self.bounded(place, args, log, BUILD_LIMIT)?;
        match run.success {
            Some(true) => Ok("clean".to_owned()),
            Some(false) => Err(self.with_log(excerpt(&run.output), log)),
            None => Err(self.with_log("timed out".to_owned(), log)),
        }
    }

    fn check_snippets(
        &self,
        report: &mut Report,
        dependencies: &[String],
        snippets: &[snippets::Snippet],
        quiz_programs: &[quizzes::QuizProgram],
    ) -> Result<()> {
        if snippets.is_empty() && quiz_programs.is_empty() {
            return Ok(());
        }
        // The quizzes' programs are binaries of the same crate: one build.
        let all: Vec<&snippets::Snippet> = snippets
            .iter()
            .chain(quiz_programs.iter().map(|p| &p.snippet))
            .collect();
        snippets::write_crate(&self.scratch.dir, dependencies, &all)?;
        println!("      (building the snippets)");
        let args = ["build", "-p", "book-snippets", "--bins", "--keep-going"];
        let build = self
            .bounded(&self.scratch, &args, "snippets-build", BUILD_LIMIT)
            .map_err(anyhow::Error::msg)?;
        let failures = snippets::compile_failures(&build.output, &all);
        for snippet in snippets {
            let runs = if snippet.run { " and runs" } else { "" };
            report.check(
                &format!("snippet {} compiles{runs}", snippet.label()),
                || {
                    if let Some((_, error)) = failures.iter().find(|(bin, _)| *bin == snippet.bin) {
                        return Err(error.clone());
                    }
                    if build.timed_out() {
                        return Err("building the snippets timed out".to_owned());
                    }
                    if !snippet.run {
                        return Ok("compiled (no_run)".to_owned());
                    }
                    let binary = self.scratch.target.join("debug").join(&snippet.bin);
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
                },
            );
        }
        for program in quiz_programs {
            let bin = &program.snippet.bin;
            report.check(&program.label(), || {
                let error = failures.iter().find(|(b, _)| b == bin).map(|(_, e)| e);
                program.judge(error.map(String::as_str), build.timed_out(), || {
                    let binary = self.scratch.target.join("debug").join(bin);
                    let log = self.log(&format!("snippet-{bin}"));
                    run_bounded(&mut Command::new(binary), SNIPPET_RUN_LIMIT, &log)
                        .map_err(|e| format!("{e:#}"))
                })
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
