//! Judges one run of an exercise's tests: the starter must fail as its
//! metadata declares, the solution must pass.

use crate::cargo_test::{self, TestOutput};
use crate::process::Finished;
use crate::workbook::{Exercise, Fails};

/// Why the starter run is acceptable, or why not.
pub fn judge_starter(exercise: &Exercise, run: &Finished) -> Result<String, String> {
    if run.timed_out() {
        return Err(timed_out(run));
    }
    let tests = cargo_test::parse(&run.output);
    if run.success == Some(true) {
        return Err(format!(
            "the starter passes ({} tests): its tests do not catch the unfinished code",
            tests.passed
        ));
    }
    let failing_ui = tests.failed.iter().filter(|t| t.is_ui()).count();
    let failing_behaviour = tests.failed.len() - failing_ui;
    let reason = match (exercise.fails, tests.compiled) {
        (Fails::Compile, false) => Ok("does not compile, as declared".to_owned()),
        (Fails::Compile, true) => Err("it was declared not to compile, but it compiles".to_owned()),
        (_, false) => Err(format!(
            "the starter does not compile: {}",
            cargo_test::first_compile_error(&run.output).unwrap_or_else(|| "see the log".into())
        )),
        (Fails::Test, true) if failing_behaviour > 0 => Ok(format!(
            "{failing_behaviour} behaviour test(s) fail: {}",
            names(&tests, false)
        )),
        (Fails::Test, true) => Err(format!(
            "declared to fail a behaviour test, but only trybuild checks fail: {}",
            names(&tests, true)
        )),
        (Fails::Ui, true) if failing_ui > 0 && failing_behaviour == 0 => {
            Ok(format!("trybuild check(s) fail: {}", names(&tests, true)))
        }
        (Fails::Ui, true) => Err(format!(
            "declared to fail only trybuild checks, but behaviour tests fail: {}",
            names(&tests, false)
        )),
    }?;
    if !run.output.contains(&exercise.starter_fails_with) {
        return Err(format!(
            "it fails, but its output does not contain the declared message {:?}; \
             the learner would not be pointed to the fix",
            exercise.starter_fails_with
        ));
    }
    Ok(reason)
}

/// Why a run that must pass (a solution, the tools' tests) is acceptable,
/// or why not. `subject` names it in the message.
pub fn judge_passing(run: &Finished, subject: &str) -> Result<String, String> {
    if run.timed_out() {
        return Err(timed_out(run));
    }
    let tests = cargo_test::parse(&run.output);
    if !tests.compiled {
        return Err(format!(
            "{subject} does not compile: {}",
            cargo_test::first_compile_error(&run.output).unwrap_or_else(|| "see the log".into())
        ));
    }
    if run.success != Some(true) || !tests.failed.is_empty() {
        let all: Vec<&str> = tests.failed.iter().map(|t| t.name.as_str()).collect();
        let why = cargo_test::first_panic(&run.output).unwrap_or_default();
        return Err(format!("{subject} fails: {} {why}", all.join(", ")));
    }
    if tests.passed == 0 {
        return Err("no tests ran".to_owned());
    }
    Ok(format!("{} tests pass", tests.passed))
}

fn names(tests: &TestOutput, ui: bool) -> String {
    let names: Vec<&str> = tests
        .failed
        .iter()
        .filter(|t| t.is_ui() == ui)
        .map(|t| t.name.as_str())
        .collect();
    names.join(", ")
}

fn timed_out(run: &Finished) -> String {
    format!(
        "timed out after {:.0?}: a test hangs instead of failing; bound it \
         (workbook_support::within, or tokio::time::timeout under paused time)",
        run.elapsed
    )
}
