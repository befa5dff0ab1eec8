//! The learner's runner (`check`, `hint`, `reset`, `solution`, `status`,
//! `list`) on the fixture workbook.

mod common;

use std::fs;
use std::path::Path;
use std::process::Command;
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
    let progress: serde_json::Value =
        serde_json::from_str(&progress(&fixture)).expect("progress is JSON");
    assert!(
        progress["done"].get("add").is_none(),
        "a failing exercise is not done: {progress}"
    );
    assert!(
        progress["checked"]["add"].is_u64(),
        "but its check is recorded, with its time: {progress}"
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
    let folder = Path::new(backup)
        .file_name()
        .expect("a folder name")
        .to_string_lossy()
        .into_owned();
    let stamp = folder.strip_prefix("add-").unwrap_or_default();
    let shape: String = stamp
        .chars()
        .map(|c| if c.is_ascii_digit() { '9' } else { c })
        .collect();
    assert_eq!(
        shape, "9999-99-99T99-99-99Z",
        "the backup folder is named after the exercise and the UTC time: {folder}"
    );
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

/// Adds a third exercise, `triple`, after `double`.
fn add_triple(fixture: &Fixture) {
    let dir = "exercises/01-basics/03-triple";
    fixture.write(
        &format!("{dir}/Cargo.toml"),
        &fixture
            .read("exercises/01-basics/02-double/Cargo.toml")
            .replace("double", "triple")
            .replace("Double", "Triple"),
    );
    fixture.write(
        &format!("{dir}/src/lib.rs"),
        "pub fn triple(x: u32) -> u32 {\n    x\n}\n",
    );
    fixture.write(
        &format!("{dir}/tests/triple.rs"),
        "#[test]\nfn triples() {\n    assert_eq!(triple::triple(2), 6, \"triple(2) should be 6\");\n}\n",
    );
    // Like `double`, its tests are compiled into the crate.
    fixture.write(
        &format!("{dir}/root.rs"),
        &fixture
            .read("exercises/01-basics/02-double/root.rs")
            .replace("double", "triple"),
    );
    fixture.write(&format!("{dir}/tests/mod.rs"), "mod triple;\n");
}

fn current_in_progress_file(fixture: &Fixture) -> String {
    let text = progress(fixture);
    let json: serde_json::Value = serde_json::from_str(&text).expect("progress is JSON");
    json["current"].as_str().unwrap_or("(none)").to_owned()
}

#[test]
fn after_a_pass_next_is_the_exercise_after_it_and_status_agrees() {
    let fixture = Fixture::new();
    add_triple(&fixture);
    // `add` stays unsolved: the learner skipped it.
    fixture.write(
        "exercises/01-basics/02-double/src/lib.rs",
        &fixture.read("solutions/01-basics/02-double/src/lib.rs"),
    );
    let (ok, output) = fixture.xtask(&["check", "double"]);
    assert!(ok, "{output}");
    assert!(
        output.contains("Next: triple (exercises/01-basics/03-triple/)"),
        "after double comes triple, not the first unsolved (add):\n{output}"
    );
    assert_eq!(current_in_progress_file(&fixture), "triple");
    let (_, status) = fixture.xtask(&["status"]);
    assert!(
        status.contains("Current exercise: triple"),
        "status must agree with the progress file:\n{status}"
    );

    // After the last exercise, the first unsolved one comes next.
    fixture.write(
        "exercises/01-basics/03-triple/src/lib.rs",
        "pub fn triple(x: u32) -> u32 {\n    x * 3\n}\n",
    );
    let (ok, output) = fixture.xtask(&["check", "triple"]);
    assert!(ok, "{output}");
    assert!(output.contains("Next: add"), "it wraps around:\n{output}");
    assert_eq!(current_in_progress_file(&fixture), "add");
    let (_, status) = fixture.xtask(&["status"]);
    assert!(status.contains("Current exercise: add"), "{status}");
    assert!(status.contains("Progress: 2/3 done"), "{status}");
}

#[test]
fn a_chosen_exercise_that_got_solved_hands_over_to_the_one_after_it() {
    let fixture = Fixture::new();
    add_triple(&fixture);
    // A progress file of an older runner: double chosen, then solved.
    fixture.write(
        ".workbook/progress.json",
        r#"{"done": {"double": 1}, "hints": {}, "current": "double"}"#,
    );
    let (_, status) = fixture.xtask(&["status"]);
    assert!(status.contains("Current exercise: triple"), "{status}");
}

#[test]
fn pages_are_named_by_their_file_when_no_server_runs() {
    let fixture = Fixture::new();
    let (_, status) = fixture.xtask(&["status"]);
    assert!(
        status.contains("page:    book/src/01-basics/01-add.md"),
        "{status}"
    );
    assert!(!status.contains("http://"), "no server runs:\n{status}");
    fixture.write(ADD, &fixture.read(ADD_SOLUTION));
    let (ok, output) = fixture.xtask(&["check", "add"]);
    assert!(ok, "{output}");
    assert!(
        output.contains("Read its page first: book/src/01-basics/02-double.md"),
        "{output}"
    );
    assert!(!output.contains("http://"), "no server runs:\n{output}");
    // A server that was recorded but is gone (stopped with Ctrl-C) is ignored.
    fixture.write(".workbook/server", "3000 999999999\n");
    let (_, status) = fixture.xtask(&["status"]);
    assert!(!status.contains("http://"), "{status}");
}

#[test]
fn pages_are_linked_with_the_real_port_while_the_book_is_served() {
    let fixture = Fixture::new();
    // Stands in for `cargo xtask serve --port N`: a live process (this
    // test) listening on the recorded port.
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    let port = listener.local_addr().expect("address").port();
    fixture.write(
        ".workbook/server",
        &format!("{port} {}\n", std::process::id()),
    );
    let (_, status) = fixture.xtask(&["status"]);
    assert!(
        status.contains(&format!(
            "page:    http://127.0.0.1:{port}/01-basics/01-add.html"
        )),
        "{status}"
    );
}

/// A copy of the workbook as handed to students: committed, without
/// `solutions/`.
fn student_copy() -> Fixture {
    let fixture = Fixture::new();
    fs::remove_dir_all(fixture.path("solutions")).expect("remove solutions/");
    fixture.commit();
    fixture
}

#[test]
fn reset_of_an_untouched_starter_saves_nothing() {
    let fixture = Fixture::committed();
    let starter = fixture.read(ADD);
    let (ok, output) = fixture.xtask(&["reset", "add"]);
    assert!(ok, "{output}");
    assert!(output.contains("add is already the starter"), "{output}");
    assert!(!output.contains("saved in"), "{output}");
    assert_eq!(fixture.read(ADD), starter);
    assert!(
        !fixture.path(".workbook/backups").exists(),
        "no backup of a starter"
    );
}

#[test]
fn a_reset_exercise_is_no_longer_done() {
    let fixture = Fixture::committed();
    fixture.write(ADD, &fixture.read(ADD_SOLUTION));
    assert!(fixture.xtask(&["check", "add"]).0, "the solution passes");
    assert!(progress(&fixture).contains("\"add\""));
    let (ok, output) = fixture.xtask(&["reset", "add"]);
    assert!(ok, "{output}");
    let progress: serde_json::Value =
        serde_json::from_str(&progress(&fixture)).expect("progress is JSON");
    assert!(
        progress["done"].get("add").is_none(),
        "the starter is back, so add is not done: {progress}"
    );
    let (_, list) = fixture.xtask(&["list"]);
    assert!(list.contains("0/2 done"), "{list}");
}

#[test]
fn reset_works_on_a_student_copy_without_solutions() {
    let fixture = student_copy();
    let starter = fixture.read(ADD);
    fixture.write(ADD, "pub fn add(a: u32, b: u32) -> u32 {\n    a * b\n}\n");
    let (ok, output) = fixture.xtask(&["reset", "add"]);
    assert!(ok, "{output}");
    assert!(output.contains("Reset add to its starter."), "{output}");
    assert_eq!(fixture.read(ADD), starter, "the starter is back");
}

#[test]
fn hints_work_on_a_student_copy_and_the_last_does_not_promise_a_solution() {
    let fixture = student_copy();
    let (ok, first) = fixture.xtask(&["hint", "add"]);
    assert!(ok && first.starts_with("Hint 1 of 2 for add:"), "{first}");
    fixture.xtask(&["hint", "add"]);
    let (ok, last) = fixture.xtask(&["hint", "add"]);
    assert!(ok && last.starts_with("No more hints for add"), "{last}");
    assert!(!last.contains("cargo xtask solution"), "{last}");
}

#[test]
fn solution_says_plainly_that_a_student_copy_has_none() {
    let fixture = student_copy();
    for args in [&["solution", "add"][..], &["solution", "add", "--force"]] {
        let (ok, output) = fixture.xtask(args);
        assert!(!ok, "{output}");
        assert!(
            output.contains("This copy of the workbook has no solutions"),
            "{args:?}:\n{output}"
        );
        assert!(!output.contains("stays hidden"), "{output}");
    }
    // Even once solved.
    fixture.write(ADD, "pub fn add(a: u32, b: u32) -> u32 {\n    a + b\n}\n");
    assert!(fixture.xtask(&["check", "add"]).0);
    let (ok, output) = fixture.xtask(&["solution", "add"]);
    assert!(
        !ok && output.contains("has no solutions") && output.contains("Yours passes"),
        "{output}"
    );
}

/// Runs the xtask binary as `cargo xtask` does: in `cwd`, without
/// `--root`, with the `CARGO_MANIFEST_DIR` that `cargo run` would set
/// (`None`: run directly, without cargo).
fn xtask_in(cwd: &Path, manifest_dir: Option<&Path>, args: &[&str]) -> (bool, String) {
    let mut command = Command::new(env!("CARGO_BIN_EXE_xtask"));
    command
        .args(args)
        .current_dir(cwd)
        .env_remove("CARGO_TARGET_DIR")
        .env_remove("CI")
        .env_remove("CARGO_MANIFEST_DIR");
    if let Some(dir) = manifest_dir {
        command.env("CARGO_MANIFEST_DIR", dir);
    }
    let output = command.output().expect("run xtask");
    let text = String::from_utf8_lossy(&output.stdout).into_owned()
        + &String::from_utf8_lossy(&output.stderr);
    (output.status.success(), text)
}

/// A committed fixture with an `xtask/` folder, as a real checkout has.
fn checkout() -> Fixture {
    let fixture = Fixture::new();
    fixture.write("xtask/README.md", "the workbook's tool\n");
    fixture.commit();
    fixture
}

#[test]
fn finds_the_workbook_it_runs_in_after_the_folder_moved() {
    // This binary was built in another folder (the real workbook): it must
    // work on the workbook it is run in, wherever that is now.
    let fixture = checkout();
    let moved = fixture.root.with_file_name("renamed-workbook");
    fs::rename(&fixture.root, &moved).expect("move the workbook");
    let inside = moved.join("exercises/01-basics");
    let (ok, status) = xtask_in(&inside, None, &["status"]);
    assert!(ok, "{status}");
    assert!(status.contains("Current exercise: add"), "{status}");
    fs::write(
        moved.join(ADD),
        "pub fn add(a: u32, b: u32) -> u32 {\n    0\n}\n",
    )
    .unwrap();
    let (ok, output) = xtask_in(&moved, Some(&moved.join("xtask")), &["reset", "add"]);
    assert!(ok, "{output}");
    assert!(
        fs::read_to_string(moved.join(ADD))
            .unwrap()
            .contains("TODO"),
        "the moved workbook's starter is back"
    );
    fs::rename(&moved, &fixture.root).expect("move it back for cleanup");
}

#[test]
fn two_checkouts_sharing_one_build_each_reset_their_own_file() {
    // With CARGO_TARGET_DIR shared, both checkouts run the same binary.
    let first = checkout();
    let second = checkout();
    let mine = "pub fn add(a: u32, b: u32) -> u32 {\n    a - b // mine\n}\n";
    first.write(ADD, mine);
    second.write(ADD, mine);
    let (ok, output) = xtask_in(&second.root, Some(&second.path("xtask")), &["reset", "add"]);
    assert!(ok, "{output}");
    assert!(second.read(ADD).contains("TODO"), "the second is reset");
    assert_eq!(first.read(ADD), mine, "the first checkout is not touched");
    let (ok, output) = xtask_in(
        &first.path("exercises"),
        Some(&first.path("xtask")),
        &["reset", "add"],
    );
    assert!(ok, "{output}");
    assert!(first.read(ADD).contains("TODO"), "the first is reset");
}

#[test]
fn outside_any_workbook_it_says_where_to_run() {
    let elsewhere = tempfile::tempdir().expect("temp dir");
    let (ok, output) = xtask_in(elsewhere.path(), None, &["status"]);
    assert!(!ok, "{output}");
    assert!(output.contains("is not inside the workbook"), "{output}");
    assert!(output.contains("--root"), "{output}");
}

#[test]
fn run_by_cargo_from_outside_it_finds_the_workbook_cargo_names() {
    // `cargo run --manifest-path WORKBOOK/Cargo.toml -p xtask` typed
    // elsewhere: cargo names the package in CARGO_MANIFEST_DIR.
    let fixture = checkout();
    let elsewhere = tempfile::tempdir().expect("temp dir");
    let (ok, status) = xtask_in(elsewhere.path(), Some(&fixture.path("xtask")), &["status"]);
    assert!(ok, "{status}");
    assert!(status.contains("Current exercise: add"), "{status}");
}
