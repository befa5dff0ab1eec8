//! Runs the behaviour tests of exercises about unsafe code under Miri, on
//! their solutions. The tests count references and compare addresses, but
//! undefined behaviour can keep the counts right; Miri catches it.
//!
//! Which exercises: those whose metadata says `miri = true`. Miri runs on
//! the nightly toolchain (`rustup component add miri --toolchain nightly`);
//! where it is not installed, verify skips these checks and says so.
//!
//! Bounds: Miri is about a thousand times slower than a native run, so a
//! test with thousands of rounds uses fewer under `cfg(miri)`. Miri's
//! isolation stays on: its clock is then virtual (it advances with the
//! instructions run, not with the load of the machine), so the tests'
//! `within` watchdogs bound the same amount of work on every machine.

use std::process::Command;
use std::time::Duration;

use super::Verifier;
use super::report::Report;
use crate::cargo_test;
use crate::process::{Finished, run_bounded};
use crate::workbook::Exercise;

/// Time for one exercise under Miri, building its dependencies (and, the
/// first time, Miri's own standard library) included.
pub const LIMIT: Duration = Duration::from_secs(1200);

/// The toolchain Miri comes with.
const TOOLCHAIN: &str = "nightly";

/// What to tell the learner or CI when Miri is missing.
pub const INSTALL: &str = "rustup component add miri --toolchain nightly";

/// Whether `cargo miri` runs here: `Err` says why not.
pub fn available() -> Result<(), String> {
    let output = nightly_cargo()
        .args(["miri", "--version"])
        .output()
        .map_err(|e| format!("rustup could not be run ({e})"))?;
    if output.status.success() {
        Ok(())
    } else {
        let why = String::from_utf8_lossy(&output.stderr);
        let why = why.lines().find(|l| !l.trim().is_empty()).unwrap_or("");
        Err(format!(
            "Miri is not installed ({why}); install it with `{INSTALL}`"
        ))
    }
}

impl Verifier {
    /// One check per exercise with `miri = true`, on the scratch copy with
    /// the solutions in place; skipped, and named in the summary, where
    /// Miri is not installed.
    pub(super) fn check_miri(&self, report: &mut Report, exercises: &[&Exercise]) {
        let mut ready = None;
        for exercise in exercises.iter().filter(|e| e.miri) {
            let label = format!("{}: solution passes under Miri", exercise.name);
            match ready.get_or_insert_with(available) {
                Err(why) => report.skip(&label, why),
                Ok(()) => report.check(&label, || {
                    let log = format!("{}-miri", exercise.name);
                    let mut command = nightly_cargo();
                    command
                        .args(test_args(exercise))
                        .current_dir(&self.scratch.dir)
                        .env("CARGO_TARGET_DIR", &self.scratch.target)
                        .env("CI", "true")
                        .env("INSTA_UPDATE", "no")
                        .env("CARGO_TERM_COLOR", "never")
                        .env("RUST_BACKTRACE", "0");
                    let run = run_bounded(&mut command, LIMIT, &self.log(&log))
                        .map_err(|e| format!("{e:#}"))?;
                    judge(&run).map_err(|why| self.with_log(why, &log))
                }),
            }
        }
    }
}

/// Whether the tests passed under Miri; if not, Miri's own diagnosis
/// (undefined behaviour, a leak, a data race) comes first.
fn judge(run: &Finished) -> Result<String, String> {
    if run.timed_out() {
        return Err(format!(
            "Miri did not finish within {} s: lower the test's rounds under cfg(miri)",
            LIMIT.as_secs()
        ));
    }
    let tests = cargo_test::parse(&run.output);
    if run.success == Some(true) && tests.failed.is_empty() {
        return Ok(format!(
            "{} tests pass, no undefined behaviour",
            tests.passed
        ));
    }
    let diagnosis: Vec<&str> = run
        .output
        .lines()
        .skip_while(|l| !l.starts_with("error: ") || l.starts_with("error: test failed"))
        .take(12)
        .collect();
    if !diagnosis.is_empty() {
        return Err(diagnosis.join("\n"));
    }
    let names: Vec<&str> = tests.failed.iter().map(|t| t.name.as_str()).collect();
    let why = cargo_test::first_panic(&run.output).unwrap_or_default();
    Err(format!("fails under Miri: {} {why}", names.join(", ")))
}

/// `cargo miri test` of `exercise`'s behaviour tests: its unit tests and
/// every `tests/*.rs` target but trybuild's, which runs the compiler.
pub fn test_args(exercise: &Exercise) -> Vec<String> {
    let mut args: Vec<String> = [
        "miri",
        "test",
        "-p",
        &exercise.name,
        "--no-fail-fast",
        "--lib",
    ]
    .map(String::from)
    .to_vec();
    for target in exercise.test_targets.iter().filter(|t| *t != "ui") {
        args.extend(["--test".to_owned(), target.clone()]);
    }
    args
}

/// Cargo of the nightly toolchain, through rustup, without the variables
/// that would point it back at the pinned toolchain this tool runs under.
pub fn nightly_cargo() -> Command {
    let mut command = Command::new("rustup");
    command
        .args(["run", TOOLCHAIN, "cargo"])
        .env_remove("CARGO")
        .env_remove("RUSTC")
        .env_remove("RUSTDOC")
        .env_remove("RUSTUP_TOOLCHAIN")
        // Miri's defaults, whatever the shell sets: with isolation off, for
        // one, the clock would be real and the bounds would depend on load.
        .env("MIRIFLAGS", "");
    command
}

#[cfg(test)]
mod tests {
    use std::path::PathBuf;

    use super::*;
    use crate::workbook::Fails;

    #[test]
    fn runs_the_behaviour_tests_but_not_trybuild() {
        let exercise = Exercise {
            name: "raw-waker".into(),
            slug: "03-wakers/02-raw-waker".into(),
            title: String::new(),
            fails: Fails::Test,
            starter_fails_with: String::new(),
            minutes: 1,
            edits: vec![PathBuf::from("src/lib.rs")],
            test_targets: vec!["raw_waker".into(), "ui".into()],
            miri: true,
        };
        assert_eq!(
            test_args(&exercise).join(" "),
            "miri test -p raw-waker --no-fail-fast --lib --test raw_waker"
        );
    }
}
