//! Teaching with the workbook, on the fixture workbook: the student copy
//! (`handout`), the progress file a student hands in (`progress --export`)
//! and the class report (`report`), bad input included.

mod common;

use std::fs;
use std::path::Path;
use std::process::Command;

use common::Fixture;
use serde_json::{Value, json};

const ADD: &str = "exercises/01-basics/01-add/src/lib.rs";
const DOUBLE: &str = "exercises/01-basics/02-double/src/lib.rs";

/// Runs the xtask binary on the workbook at `root`.
fn xtask_at(root: &Path, args: &[&str]) -> (bool, String) {
    let output = Command::new(env!("CARGO_BIN_EXE_xtask"))
        .arg("--root")
        .arg(root)
        .args(args)
        .env_remove("CARGO_TARGET_DIR")
        .env_remove("CI")
        .output()
        .expect("run xtask");
    let text = String::from_utf8_lossy(&output.stdout).into_owned()
        + &String::from_utf8_lossy(&output.stderr);
    (output.status.success(), text)
}

fn git(dir: &Path, args: &[&str]) -> String {
    let output = Command::new("git")
        .args(args)
        .current_dir(dir)
        .output()
        .expect("run git");
    assert!(output.status.success(), "git {args:?} in {}", dir.display());
    String::from_utf8_lossy(&output.stdout).trim().to_owned()
}

/// A student copy of the committed fixture, in a temp dir kept alive by
/// the returned guard.
fn handout(fixture: &Fixture) -> (tempfile::TempDir, std::path::PathBuf) {
    let dir = tempfile::tempdir().expect("temp dir");
    let copy = dir.path().join("student");
    let copy_arg = copy.to_string_lossy().into_owned();
    let (ok, output) = fixture.xtask(&["handout", &copy_arg]);
    assert!(ok, "handout failed:\n{output}");
    (dir, copy)
}

// ---- handout ----

#[test]
fn a_handout_is_head_without_solutions_in_one_fresh_commit() {
    let fixture = Fixture::committed();
    let committed_add = fixture.read(ADD);
    fixture.write(
        ADD,
        "pub fn add(a: u32, b: u32) -> u32 { a + b } // not committed\n",
    );
    fixture.write("notes.txt", "untracked\n");
    let dir = tempfile::tempdir().expect("temp dir");
    let copy = dir.path().join("student");
    let (ok, output) = fixture.xtask(&["handout", &copy.to_string_lossy()]);
    assert!(ok, "{output}");
    assert!(
        output.contains("without solutions/ (2 files left out)"),
        "it should say what it left out:\n{output}"
    );
    assert!(
        output.contains("uncommitted changes and untracked files are not in it"),
        "it should say it takes HEAD, not the working tree:\n{output}"
    );
    assert!(
        !copy.join("solutions").exists(),
        "solutions/ must be left out"
    );
    assert_eq!(
        fs::read_to_string(copy.join(ADD)).expect("starter"),
        committed_add,
        "the starter as committed, not the working tree's"
    );
    assert!(!copy.join("notes.txt").exists(), "untracked files stay out");
    assert_eq!(
        git(&copy, &["rev-list", "--all", "--count"]),
        "1",
        "one commit"
    );
    assert_eq!(
        git(&copy, &["status", "--porcelain"]),
        "",
        "everything committed"
    );
    let tracked = git(&copy, &["ls-files"]);
    assert!(
        tracked.contains(ADD) && !tracked.contains("solutions/"),
        "the commit holds the exercises and no solution:\n{tracked}"
    );
}

#[test]
fn a_handout_refuses_a_folder_that_is_not_empty() {
    let fixture = Fixture::committed();
    let dir = tempfile::tempdir().expect("temp dir");
    fs::write(dir.path().join("mine.txt"), "keep me").expect("write");
    let (ok, output) = fixture.xtask(&["handout", &dir.path().to_string_lossy()]);
    assert!(!ok, "it must refuse:\n{output}");
    assert!(output.contains("is not empty"), "{output}");
    assert_eq!(
        fs::read_to_string(dir.path().join("mine.txt")).expect("still there"),
        "keep me"
    );
    assert_eq!(
        fs::read_dir(dir.path()).expect("dir").count(),
        1,
        "nothing written"
    );
}

#[test]
fn a_handout_refuses_a_book_page_that_includes_a_solution() {
    let fixture = Fixture::new();
    let page = "book/src/01-basics/01-add.md";
    let text = fixture.read(page).replace(
        "{{#exercise add}}",
        "{{#include ../../../solutions/01-basics/01-add/src/lib.rs}}\n\n{{#exercise add}}",
    );
    fixture.write(page, &text);
    fixture.commit();
    let dir = tempfile::tempdir().expect("temp dir");
    let copy = dir.path().join("student");
    let (ok, output) = fixture.xtask(&["handout", &copy.to_string_lossy()]);
    assert!(
        !ok,
        "a page that shows a solution must stop the handout:\n{output}"
    );
    assert!(
        output.contains("book/src/01-basics/01-add.md") && output.contains("solutions/"),
        "it should name the page and the include:\n{output}"
    );
    assert!(!copy.exists(), "no copy is written");
}

#[test]
fn every_runner_command_works_in_a_handout() {
    let fixture = Fixture::committed();
    let (_dir, copy) = handout(&fixture);

    let (ok, output) = xtask_at(&copy, &["check", "add"]);
    assert!(
        !ok && output.contains("✗ 1 failing"),
        "the starter fails:\n{output}"
    );
    let (ok, output) = xtask_at(&copy, &["hint", "add"]);
    assert!(ok && output.starts_with("Hint 1 of 2 for add:"), "{output}");
    let (ok, output) = xtask_at(&copy, &["list"]);
    assert!(
        ok && output.contains("add") && output.contains("0/2 done"),
        "{output}"
    );
    let (ok, output) = xtask_at(&copy, &["solution", "add"]);
    assert!(
        !ok && output.contains("This copy of the workbook has no solutions"),
        "{output}"
    );
    let starter = fs::read_to_string(copy.join(ADD)).expect("starter");
    fs::write(
        copy.join(ADD),
        "pub fn add(a: u32, b: u32) -> u32 { a * b }\n",
    )
    .expect("write");
    let (ok, output) = xtask_at(&copy, &["reset", "add"]);
    assert!(
        ok && output.contains("Reset add to its starter."),
        "{output}"
    );
    assert_eq!(fs::read_to_string(copy.join(ADD)).expect("read"), starter);
    let (ok, output) = xtask_at(&copy, &["status"]);
    assert!(ok && output.contains("Current exercise: add"), "{output}");
}

#[test]
fn the_exercise_box_names_the_solution_only_where_there_is_one() {
    let fixture = Fixture::committed();
    let (_dir, copy) = handout(&fixture);
    let page = "book/book/01-basics/01-add.html";
    let (ok, output) = fixture.xtask(&["book"]);
    assert!(ok, "{output}");
    assert!(
        fixture.read(page).contains("cargo xtask solution add"),
        "the instructor's copy names the solution"
    );
    let (ok, output) = xtask_at(&copy, &["book"]);
    assert!(ok, "the student copy's book builds:\n{output}");
    let html = fs::read_to_string(copy.join(page)).expect("page");
    assert!(html.contains("exercise-box"), "the box is there:\n{html}");
    assert!(
        !html.contains("xtask solution"),
        "the student copy's box must not point to a solution it lacks:\n{html}"
    );
}

// ---- progress --export ----

fn export(root: &Path, name: &str) -> Value {
    let file = root.join("export.json");
    let (ok, output) = xtask_at(
        root,
        &[
            "progress",
            "--export",
            &file.to_string_lossy(),
            "--name",
            name,
        ],
    );
    assert!(ok, "{output}");
    serde_json::from_str(&fs::read_to_string(file).expect("export written")).expect("JSON")
}

fn now() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .expect("after 1970")
        .as_secs() as i64
}

#[test]
fn an_export_records_done_tried_hints_and_the_last_check() {
    let fixture = Fixture::new();
    fixture.write(
        DOUBLE,
        &fixture.read("solutions/01-basics/02-double/src/lib.rs"),
    );
    assert!(fixture.xtask(&["check", "double"]).0, "double passes");
    assert!(!fixture.xtask(&["check", "add"]).0, "add fails");
    assert!(fixture.xtask(&["hint", "add"]).0);
    let file = export(&fixture.root, "  Ada Lovelace ");
    assert_eq!(file["format"], "async-rust-workbook-progress");
    assert_eq!(file["version"], 1);
    assert_eq!(file["student"], "Ada Lovelace", "the name, trimmed");
    let add = &file["exercises"]["add"];
    assert_eq!(
        (&add["done"], &add["tried"], &add["hints"]),
        (&json!(false), &json!(true), &json!(1)),
        "add was tried, not done, with one hint: {add}"
    );
    let double = &file["exercises"]["double"];
    assert_eq!(
        (&double["done"], &double["tried"]),
        (&json!(true), &json!(true))
    );
    for entry in [add, double] {
        let at = entry["last_check"].as_i64().expect("a last check time");
        assert!(
            (now() - at).abs() < 120,
            "the last check was just now: {at}"
        );
    }
}

#[test]
fn an_export_reads_a_progress_file_from_before_checks_were_recorded() {
    let fixture = Fixture::new();
    fixture.write(
        ".workbook/progress.json",
        r#"{"done": {"add": 1764000000}, "hints": {"double": 2}, "current": "double"}"#,
    );
    let file = export(&fixture.root, "Grace Hopper");
    let add = &file["exercises"]["add"];
    assert_eq!(
        (&add["done"], &add["tried"], &add["last_check"]),
        (&json!(true), &json!(true), &json!(1764000000)),
        "solved before checks were recorded: tried, last checked when it passed: {add}"
    );
    let double = &file["exercises"]["double"];
    assert_eq!(
        (&double["tried"], &double["hints"], double.get("last_check")),
        (&json!(false), &json!(2), None),
        "{double}"
    );
}

#[test]
fn an_export_needs_a_name() {
    let fixture = Fixture::new();
    let file = fixture.path("export.json");
    for name in ["", "   ", "two\nlines"] {
        let (ok, output) = fixture.xtask(&[
            "progress",
            "--export",
            &file.to_string_lossy(),
            "--name",
            name,
        ]);
        assert!(!ok && output.contains("--name"), "{name:?}: {output}");
    }
    assert!(!file.exists(), "nothing written");
}

// ---- report ----

/// A valid progress file's contents.
fn student(name: &str, exercises: Value) -> Value {
    json!({
        "format": "async-rust-workbook-progress",
        "version": 1,
        "student": name,
        "exported": now() - 60,
        "exercises": exercises,
    })
}

fn done(hints: i64) -> Value {
    json!({ "done": true, "tried": true, "hints": hints, "last_check": now() - 600 })
}

fn stuck(hints: i64) -> Value {
    json!({ "done": false, "tried": true, "hints": hints, "last_check": now() - 300 })
}

fn untouched() -> Value {
    json!({ "done": false, "tried": false, "hints": 0 })
}

/// A class folder with Ada (add done with 1 hint, double stuck with 2).
fn class_with_ada() -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("temp dir");
    let ada = student(
        "Ada Lovelace",
        json!({ "add": done(1), "double": stuck(2) }),
    );
    fs::write(dir.path().join("ada.json"), ada.to_string()).expect("write");
    dir
}

fn report(fixture: &Fixture, dir: &Path) -> String {
    let (ok, output) = fixture.xtask(&["report", &dir.to_string_lossy()]);
    assert!(ok, "the report must not fail on bad files:\n{output}");
    output
}

/// The summary row of an exercise: `done stuck hints`.
fn summary_row(report: &str, exercise: &str) -> Vec<String> {
    let line = report
        .lines()
        .find(|l| l.starts_with(&format!("{exercise} ")) && l.contains('|'))
        .unwrap_or_else(|| panic!("no row for {exercise}:\n{report}"));
    let (_, numbers) = line.split_once('|').expect("summary columns");
    numbers.split_whitespace().map(str::to_owned).collect()
}

#[test]
fn a_report_tables_each_student_and_sums_up_each_exercise() {
    let fixture = Fixture::new();
    let dir = class_with_ada();
    let bob = student(
        "Bob Noyce",
        json!({ "add": stuck(2), "double": untouched() }),
    );
    fs::write(dir.path().join("bob.json"), bob.to_string()).expect("write");
    let carol = student("Carol Shaw", json!({ "add": done(0), "double": done(2) }));
    fs::write(dir.path().join("carol.json"), carol.to_string()).expect("write");
    let csv = dir.path().join("class.csv.out");
    let (ok, output) = fixture.xtask(&[
        "report",
        &dir.path().to_string_lossy(),
        "--csv",
        &csv.to_string_lossy(),
    ]);
    assert!(ok, "{output}");
    assert!(
        output.contains("3 students read, 0 files skipped"),
        "{output}"
    );
    for name in ["Ada Lovelace", "Bob Noyce", "Carol Shaw"] {
        assert!(output.contains(name), "{name} is listed:\n{output}");
    }
    assert_eq!(
        summary_row(&output, "add"),
        ["2", "1", "3"],
        "add: done, stuck, hints\n{output}"
    );
    assert_eq!(
        summary_row(&output, "double"),
        ["1", "1", "4"],
        "double\n{output}"
    );
    assert!(
        output.contains("add: Bob Noyce"),
        "who is stuck where:\n{output}"
    );
    let csv = fs::read_to_string(&csv).expect("the CSV is written");
    let lines: Vec<&str> = csv.lines().collect();
    assert_eq!(
        lines[0],
        "student,exercise,done,tried,hints,last_check_utc,stuck"
    );
    assert_eq!(
        lines.len(),
        1 + 3 * 2 + 2,
        "a row per student and exercise, then per exercise:\n{csv}"
    );
    assert!(
        lines
            .iter()
            .any(|l| l.starts_with("Bob Noyce,add,false,true,2,") && l.ends_with(",true")),
        "Bob is stuck on add:\n{csv}"
    );
    assert!(lines.contains(&"(class),add,2,,3,,1"), "{csv}");
}

/// A bad file next to Ada's is named with its reason and skipped: the
/// totals are Ada's alone.
fn bad_file_is_named_and_skipped(file: &str, contents: &str, reason: &str) {
    let fixture = Fixture::new();
    let dir = class_with_ada();
    fs::write(dir.path().join(file), contents).expect("write");
    let output = report(&fixture, dir.path());
    assert!(
        output.contains("1 student read, 1 file skipped"),
        "{file} should be skipped:\n{output}"
    );
    let line = output
        .lines()
        .find(|l| l.trim_start().starts_with(&format!("{file}:")))
        .unwrap_or_else(|| panic!("{file} is not named:\n{output}"));
    assert!(
        line.contains(reason),
        "{file}: expected `{reason}`, got `{line}`"
    );
    assert_eq!(
        summary_row(&output, "add"),
        ["1", "0", "1"],
        "only Ada counts:\n{output}"
    );
    assert_eq!(summary_row(&output, "double"), ["0", "1", "2"], "{output}");
}

fn with(name: &str, exercise: &str, entry: Value) -> String {
    student(name, json!({ exercise: entry })).to_string()
}

#[test]
fn a_damaged_file_is_skipped() {
    let whole = student("Bob Noyce", json!({ "add": done(1) })).to_string();
    bad_file_is_named_and_skipped("bob.json", &whole[..whole.len() / 2], "not valid JSON");
}

#[test]
fn a_file_that_is_not_text_is_skipped() {
    let fixture = Fixture::new();
    let dir = class_with_ada();
    fs::write(dir.path().join("bob.json"), [0xff, 0xfe, 0x00, 0x7b]).expect("write");
    let output = report(&fixture, dir.path());
    assert!(output.contains("bob.json: not text"), "{output}");
    assert!(
        output.contains("1 student read, 1 file skipped"),
        "{output}"
    );
}

#[test]
fn another_version_is_skipped() {
    let mut file = student("Bob Noyce", json!({ "add": done(1) }));
    file["version"] = json!(2);
    bad_file_is_named_and_skipped("bob.json", &file.to_string(), "version 2");
}

#[test]
fn another_kind_of_json_file_is_skipped() {
    bad_file_is_named_and_skipped(
        "package.json",
        r#"{"name": "left-pad", "version": 1}"#,
        "not a workbook progress file",
    );
}

#[test]
fn more_hints_than_the_exercise_has_are_skipped() {
    bad_file_is_named_and_skipped(
        "bob.json",
        &with("Bob Noyce", "add", done(5)),
        "add: 5 hints used, but it has only 2",
    );
}

#[test]
fn a_negative_hint_count_is_skipped() {
    bad_file_is_named_and_skipped(
        "bob.json",
        &with("Bob Noyce", "add", stuck(-1)),
        "a negative count",
    );
}

#[test]
fn a_negative_time_is_skipped() {
    let entry = json!({ "done": false, "tried": true, "hints": 0, "last_check": -5 });
    bad_file_is_named_and_skipped(
        "bob.json",
        &with("Bob Noyce", "add", entry),
        "add: its last check is a negative time",
    );
}

#[test]
fn a_time_in_the_future_is_skipped() {
    let entry =
        json!({ "done": false, "tried": true, "hints": 0, "last_check": now() + 7 * 86_400 });
    let mut file = student("Bob Noyce", json!({ "add": entry }));
    file["exported"] = json!(now() + 8 * 86_400);
    bad_file_is_named_and_skipped("bob.json", &file.to_string(), "is in the future");
}

#[test]
fn a_last_check_after_the_export_is_skipped() {
    let entry = json!({ "done": false, "tried": true, "hints": 0, "last_check": now() });
    let mut file = student("Bob Noyce", json!({ "add": entry }));
    file["exported"] = json!(now() - 3600);
    bad_file_is_named_and_skipped("bob.json", &file.to_string(), "after the file was exported");
}

#[test]
fn done_without_being_tried_is_skipped() {
    let entry = json!({ "done": true, "tried": false, "hints": 0 });
    bad_file_is_named_and_skipped(
        "bob.json",
        &with("Bob Noyce", "add", entry),
        "done but never tried",
    );
}

#[test]
fn a_field_the_format_does_not_have_is_skipped() {
    let entry =
        json!({ "done": true, "tried": true, "hints": 0, "last_check": now() - 60, "score": 100 });
    bad_file_is_named_and_skipped(
        "bob.json",
        &with("Bob Noyce", "add", entry),
        "unknown field `score`",
    );
}

#[test]
fn an_empty_student_name_is_skipped() {
    bad_file_is_named_and_skipped("bob.json", &with("  ", "add", done(0)), "name is empty");
}

#[test]
fn a_second_file_for_the_same_student_is_skipped() {
    // Same name, other spacing and case: the same student.
    bad_file_is_named_and_skipped(
        "zz-ada-again.json",
        &with("ada  LOVELACE", "add", done(0)),
        "already read from ada.json",
    );
}

#[test]
fn a_file_that_is_not_json_is_skipped() {
    bad_file_is_named_and_skipped("notes.txt", "bring snacks", "not a .json progress file");
}

#[test]
fn an_unknown_exercise_is_named_and_the_rest_of_the_file_counts() {
    let fixture = Fixture::new();
    let dir = class_with_ada();
    let bob = student("Bob Noyce", json!({ "add": done(0), "triple": done(0) }));
    fs::write(dir.path().join("bob.json"), bob.to_string()).expect("write");
    let output = report(&fixture, dir.path());
    assert!(
        output.contains("2 students read, 0 files skipped"),
        "{output}"
    );
    assert!(
        output.contains("bob.json: unknown exercise `triple`"),
        "the unknown exercise is named with its file:\n{output}"
    );
    assert_eq!(
        summary_row(&output, "add"),
        ["2", "0", "1"],
        "Bob's add counts:\n{output}"
    );
    assert!(
        !output.lines().any(|l| l.starts_with("triple ")),
        "an unknown exercise gets no row:\n{output}"
    );
}

#[test]
fn a_report_of_an_empty_folder_says_so_and_fails() {
    let fixture = Fixture::new();
    let dir = tempfile::tempdir().expect("temp dir");
    let (ok, output) = fixture.xtask(&["report", &dir.path().to_string_lossy()]);
    assert!(!ok, "{output}");
    assert!(output.contains("0 students read"), "{output}");
}

// ---- verify's checks of a student copy ----

/// The line verify printed for the check whose label contains `label`.
fn check_line<'a>(output: &'a str, label: &str) -> &'a str {
    output
        .lines()
        .find(|l| l.contains(label))
        .unwrap_or_else(|| panic!("no check {label:?} in:\n{output}"))
}

#[test]
fn verify_finds_a_solution_copied_anywhere_in_the_student_copy() {
    let fixture = Fixture::new();
    // Committed by mistake: a copy of a solution outside solutions/.
    fixture.write(
        "notes/add.rs",
        &fixture.read("solutions/01-basics/01-add/src/lib.rs"),
    );
    fixture.commit();
    let (ok, output) = fixture.xtask(&["verify"]);
    assert!(!ok, "verify must fail:\n{output}");
    let leak = check_line(&output, "student copy (handout): no solution text");
    assert!(leak.contains("FAILED"), "{output}");
    assert!(
        output.contains("notes/add.rs: holds 1 distinctive lines of solutions/01-basics/01-add"),
        "the file and the solution are named:\n{output}"
    );
    let runner = check_line(&output, "student copy (handout): check fails on a starter");
    assert!(
        runner.contains("ok") && runner.contains("add: check fails"),
        "the runner works in the copy all the same:\n{output}"
    );
}
