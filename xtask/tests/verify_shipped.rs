//! `cargo xtask verify` on a learner's checkout: it checks the workbook as
//! shipped (git HEAD's starters), refuses a copy without solutions, and
//! never leaves its scratch copy behind.

mod common;

use std::fs;
use std::io::{BufRead, BufReader};
use std::path::PathBuf;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use common::Fixture;

const ADD: &str = "exercises/01-basics/01-add/src/lib.rs";
const ADD_SOLUTION: &str = "solutions/01-basics/01-add/src/lib.rs";

/// The scratch copy verify named in its output.
fn scratch_of(output: &str) -> PathBuf {
    let line = output
        .lines()
        .find(|l| l.contains("on a scratch copy in "))
        .unwrap_or_else(|| panic!("verify names its scratch copy:\n{output}"));
    let after = line.split("on a scratch copy in ").nth(1).expect("a path");
    PathBuf::from(after.split(" (").next().expect("a path"))
}

#[test]
fn a_solved_exercise_is_checked_as_shipped_and_the_scratch_copy_goes() {
    let fixture = Fixture::committed();
    fixture.write(ADD, &fixture.read(ADD_SOLUTION));
    let (ok, output) = fixture.xtask(&["verify"]);
    assert!(ok, "a learner's solved exercise is no failure:\n{output}");
    assert!(output.contains("checks HEAD's versions"), "{output}");
    assert!(
        output.contains(&format!("  {ADD}")),
        "names the file:\n{output}"
    );
    assert!(
        !scratch_of(&output).exists(),
        "the scratch copy is left behind:\n{output}"
    );
    assert_eq!(
        fixture.read(ADD),
        fixture.read(ADD_SOLUTION),
        "the learner's answer is untouched"
    );
}

#[test]
fn working_tree_checks_the_edited_starter_and_the_scratch_copy_goes_after_a_failure() {
    let fixture = Fixture::committed();
    fixture.write(ADD, &fixture.read(ADD_SOLUTION));
    let (ok, output) = fixture.xtask(&["verify", "--working-tree"]);
    assert!(!ok, "{output}");
    assert!(
        output.contains("as they are in your working tree"),
        "{output}"
    );
    assert!(output.contains("the starter passes"), "{output}");
    assert!(!scratch_of(&output).exists(), "{output}");
}

#[test]
fn a_copy_without_solutions_is_refused_with_a_reason() {
    let fixture = Fixture::committed();
    fs::remove_dir_all(fixture.path("solutions")).expect("remove solutions/");
    let (ok, output) = fixture.xtask(&["verify"]);
    assert!(!ok, "{output}");
    assert!(
        output.contains("checks the workbook as shipped"),
        "{output}"
    );
    assert!(output.contains("no solutions/ folder"), "{output}");
    assert!(output.contains("cargo xtask check"), "{output}");
}

#[test]
fn an_interrupted_verify_leaves_no_scratch_copy() {
    let fixture = Fixture::committed();
    let mut child = Command::new(env!("CARGO_BIN_EXE_xtask"))
        .arg("--root")
        .arg(&fixture.root)
        .arg("verify")
        .env_remove("CARGO_TARGET_DIR")
        .env_remove("CI")
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("run xtask verify");
    let mut seen = String::new();
    let mut lines = BufReader::new(child.stdout.take().expect("stdout")).lines();
    let scratch = loop {
        let line = lines
            .next()
            .unwrap_or_else(|| panic!("verify ended early:\n{seen}"))
            .expect("read");
        seen.push_str(&line);
        seen.push('\n');
        if line.contains("on a scratch copy in ") {
            break scratch_of(&line);
        }
    };
    assert!(
        scratch.exists(),
        "the scratch copy exists while verify runs"
    );
    // SAFETY: kill(2) sends SIGINT (what Ctrl-C sends) to our own child.
    unsafe {
        libc::kill(child.id() as libc::pid_t, libc::SIGINT);
    }
    child.wait().expect("wait for verify");
    let deadline = Instant::now() + Duration::from_secs(10);
    while scratch.exists() && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(100));
    }
    assert!(
        !scratch.exists(),
        "{} is left behind after Ctrl-C",
        scratch.display()
    );
}
