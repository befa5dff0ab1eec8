//! The learner's runner (`check`, `hint`, `reset`, `solution`, `status`,
//! `list`) on the fixture workbook.

mod common;

use std::fs;
use std::time::{Duration, Instant};

use common::Fixture;

const ADD: &str = "exercises/01-basics/01-add/src/lib.rs";
const ADD_SOLUTION: &str = "solutions/01-basics/01-add/src/lib.rs";

fn progress(fixture: &Fixture) -> String {
    fs::read_to_string(fixture.path(".workbook/progress.json")).unwrap_or_default()
}

#[test]
fn a_passing_exercise_is_done_and_the_next_one_is_named() {
    let fixture = Fixture::new();
    fixture.write(ADD, &fixture.read(ADD_SOLUTION));
    let (ok, output) = fixture.xtask(&["check", "add"]);
    assert!(ok, "{output}");
    assert!(output.contains("✓ all 1 tests pass. Done!"), "{output}");
    assert!(output.contains("Next: double"), "{output}");
    assert!(
        progress(&fixture).contains("\"add\""),
        "progress: {}",
        progress(&fixture)
    );
    let (_, status) = fixture.xtask(&["status"]);
    assert!(status.contains("Current exercise: double"), "{status}");
    assert!(status.contains("Progress: 1/2 done"), "{status}");
}

#[test]
fn a_failing_test_shows_its_name_and_message_without_a_backtrace() {
    let fixture = Fixture::new();
    let (ok, output) = fixture.xtask(&["check", "add"]);
    assert!(!ok, "{output}");
    assert!(output.contains("✗ 1 failing, 0 passing"), "{output}");
    assert!(output.contains("● adds"), "{output}");
    assert!(output.contains("add(2, 3) should be 5"), "{output}");
    assert!(
        output.contains("at exercises/01-basics/01-add/tests/add.rs:3:5"),
        "{output}"
    );
    assert!(!output.contains("stack backtrace"), "{output}");
    assert!(
        !progress(&fixture).contains("\"add\""),
        "a failing exercise is not done"
    );
}

#[test]
fn a_compile_error_shows_the_first_error_with_its_location() {
    let fixture = Fixture::new();
    fixture.write(
        ADD,
        "pub fn add(a: u32, b: u32) -> u32 {\n    \"a + b\"\n}\n",
    );
    let (ok, output) = fixture.xtask(&["check", "add"]);
    assert!(!ok, "{output}");
    assert!(output.contains("✗ it does not compile yet"), "{output}");
    assert!(
        output.contains("error[E0308]: mismatched types"),
        "{output}"
    );
    assert!(
        output.contains("--> exercises/01-basics/01-add/src/lib.rs:2:5"),
        "{output}"
    );
}

#[test]
fn a_hanging_test_is_stopped_at_the_limit_with_its_likely_causes() {
    let fixture = Fixture::new();
    fixture.write(ADD, "pub fn add(_a: u32, _b: u32) -> u32 {\n    loop {\n        std::hint::spin_loop();\n    }\n}\n");
    let started = Instant::now();
    let (ok, output) = fixture.xtask(&["check", "add", "--timeout", "2"]);
    let elapsed = started.elapsed();
    assert!(!ok, "{output}");
    assert!(output.contains("did not finish within 2 s"), "{output}");
    assert!(output.contains("never woken"), "{output}");
    assert!(elapsed < Duration::from_secs(10), "took {elapsed:?}");
    // The test binary was killed with its whole process group. A killed
    // grandchild can linger for a moment until init reaps it.
    let root = fixture.root.to_string_lossy().into_owned();
    let deadline = Instant::now() + Duration::from_secs(3);
    let stray = loop {
        let stray = processes_mentioning(&root);
        if stray.is_empty() || Instant::now() > deadline {
            break stray;
        }
        std::thread::sleep(Duration::from_millis(50));
    };
    assert!(
        stray.is_empty(),
        "processes of the hung run are still alive: {stray:?}"
    );
}

fn processes_mentioning(text: &str) -> Vec<String> {
    fs::read_dir("/proc")
        .expect("read /proc")
        .filter_map(|entry| fs::read(entry.ok()?.path().join("cmdline")).ok())
        .map(|cmdline| String::from_utf8_lossy(&cmdline).replace('\0', " "))
        .filter(|cmdline| cmdline.contains(text))
        .collect()
}

#[test]
fn hints_come_one_at_a_time_then_run_out() {
    let fixture = Fixture::new();
    let first = fixture.xtask(&["hint", "add"]).1;
    let second = fixture.xtask(&["hint", "add"]).1;
    let third = fixture.xtask(&["hint", "add"]).1;
    assert!(
        first.starts_with("Hint 1 of 2 for add:") && first.contains("Use `+`."),
        "{first}"
    );
    assert!(
        second.starts_with("Hint 2 of 2 for add:") && second.contains("`a + b`."),
        "{second}"
    );
    assert!(third.starts_with("No more hints for add"), "{third}");
    assert!(
        fixture
            .xtask(&["hint", "double"])
            .1
            .starts_with("Hint 1 of 2 for double"),
        "hints count per exercise"
    );
}

#[test]
fn reset_backs_up_the_learners_version_and_touches_nothing_else() {
    let fixture = Fixture::committed();
    let starter = fixture.read(ADD);
    let mine = "pub fn add(a: u32, b: u32) -> u32 {\n    a - b // my attempt\n}\n";
    fixture.write(ADD, mine);
    fixture.write("exercises/01-basics/01-add/NOTES.md", "my notes");
    fixture.write(
        "exercises/01-basics/02-double/src/lib.rs",
        "pub fn double(x: u32) -> u32 { x + x }\n",
    );
    let (ok, output) = fixture.xtask(&["reset", "add"]);
    assert!(ok, "{output}");
    assert_eq!(fixture.read(ADD), starter, "the starter is back");
    let backup_line = output
        .lines()
        .find(|l| l.contains("saved in"))
        .expect("names the backup");
    let backup = backup_line.rsplit(' ').next().expect("a path");
    let saved = fs::read_to_string(std::path::Path::new(backup).join(ADD)).expect("backup file");
    assert_eq!(saved, mine, "the backup holds the learner's version");
    assert_eq!(
        fixture.read("exercises/01-basics/01-add/NOTES.md"),
        "my notes"
    );
    assert_eq!(
        fixture.read("exercises/01-basics/02-double/src/lib.rs"),
        "pub fn double(x: u32) -> u32 { x + x }\n",
        "another exercise is never touched"
    );
}

#[test]
fn a_corrupt_progress_file_is_set_aside_and_rebuilt() {
    let fixture = Fixture::new();
    fixture.write(".workbook/progress.json", "{ this is not json");
    let (ok, output) = fixture.xtask(&["status"]);
    assert!(ok, "{output}");
    assert!(output.contains("could not be read"), "{output}");
    assert!(output.contains("Current exercise: add"), "{output}");
    fixture.write(ADD, &fixture.read(ADD_SOLUTION));
    assert!(fixture.xtask(&["check", "add"]).0);
    assert!(
        progress(&fixture).contains("\"add\""),
        "progress is written afresh"
    );
}

#[test]
fn progress_survives_a_renamed_directory_and_an_exercise_that_went_away() {
    let fixture = Fixture::new();
    fixture.write(ADD, &fixture.read(ADD_SOLUTION));
    assert!(fixture.xtask(&["check", "add"]).0);
    // An author renumbers `add` and removes nothing the learner did.
    fs::rename(
        fixture.path("exercises/01-basics/01-add"),
        fixture.path("exercises/01-basics/03-add"),
    )
    .unwrap();
    fs::rename(
        fixture.path("solutions/01-basics/01-add"),
        fixture.path("solutions/01-basics/03-add"),
    )
    .unwrap();
    let (ok, list) = fixture.xtask(&["list"]);
    assert!(ok, "{list}");
    assert!(list.contains("done     add"), "{list}");
    assert!(list.contains("current  double"), "{list}");
    // Progress naming an exercise that no longer exists is ignored.
    let text = progress(&fixture).replace("\"add\"", "\"gone\"");
    fixture.write(".workbook/progress.json", &text);
    let (ok, status) = fixture.xtask(&["status"]);
    assert!(ok, "{status}");
    assert!(status.contains("Progress: 0/2 done"), "{status}");
}

#[test]
fn solving_out_of_order_counts() {
    let fixture = Fixture::new();
    fixture.write(
        "exercises/01-basics/02-double/src/lib.rs",
        &fixture.read("solutions/01-basics/02-double/src/lib.rs"),
    );
    assert!(fixture.xtask(&["check", "double"]).0);
    let (_, list) = fixture.xtask(&["list"]);
    assert!(list.contains("current  add"), "{list}");
    assert!(list.contains("done     double"), "{list}");
}

#[test]
fn the_solution_stays_hidden_until_solved_unless_forced() {
    let fixture = Fixture::new();
    let (ok, output) = fixture.xtask(&["solution", "add"]);
    assert!(!ok && output.contains("stays hidden"), "{output}");
    let (ok, output) = fixture.xtask(&["solution", "add", "--force"]);
    assert!(
        ok && output.contains("warning: showing the solution") && output.contains("a + b"),
        "{output}"
    );
    fixture.write(ADD, &fixture.read(ADD_SOLUTION));
    assert!(fixture.xtask(&["check", "add"]).0);
    let (ok, output) = fixture.xtask(&["solution", "add"]);
    assert!(
        ok && !output.contains("warning") && output.contains("Why this works"),
        "{output}"
    );
}
