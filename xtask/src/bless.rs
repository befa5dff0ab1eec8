//! `cargo xtask bless NAME`: regenerates an exercise's test expectations
//! (insta snapshots, trybuild `.stderr` files) from its *solution*, on
//! purpose, and copies the new ones into the exercise. Only expectation
//! files are written; the learner's code never is.

use crate::process::cargo;
use std::fs;
use std::path::Path;

use anyhow::{Context, Result, bail};

use crate::verify::scratch;
use crate::workbook::{Exercise, Workbook};

pub fn run(workbook: &Workbook, name: &str) -> Result<()> {
    let Some(exercise) = workbook.find(name) else {
        bail!("no exercise is called `{name}` (see `cargo xtask list`)");
    };
    let work = workbook.target_dir.join("bless");
    let copy = scratch::scratch_dir(&workbook.root, "bless");
    scratch::copy_workbook(&workbook.root, &copy)?;
    scratch::apply_solutions(&copy, std::slice::from_ref(exercise))?;
    println!(
        "Running {}'s tests against its solution, writing expectations...",
        exercise.name
    );
    let status = cargo()
        .args(["test", "-p", &exercise.name, "--no-fail-fast"])
        .current_dir(&copy)
        .env("INSTA_UPDATE", "always")
        .env("TRYBUILD", "overwrite")
        .env_remove("CI")
        .env("CARGO_TARGET_DIR", work.join("target"))
        .status()
        .context("run cargo test")?;
    let changed = copy_expectations(&copy, &workbook.root, exercise)?;
    for path in &changed {
        println!("updated {path}");
    }
    if changed.is_empty() {
        println!("no expectation changed");
    }
    if !status.success() {
        bail!("the solution's tests fail even with fresh expectations; fix them before blessing");
    }
    println!(
        "Read every updated file, then run `cargo xtask verify {}`.",
        exercise.name
    );
    Ok(())
}

/// Copies snapshots and `.stderr` files that differ from the scratch copy
/// into the workbook; returns their paths.
fn copy_expectations(copy: &Path, root: &Path, exercise: &Exercise) -> Result<Vec<String>> {
    let mut changed = Vec::new();
    for file in scratch::files_under(&copy.join(exercise.dir()).join("tests"))? {
        let is_expectation = file
            .extension()
            .is_some_and(|e| e == "snap" || e == "stderr");
        if !is_expectation {
            continue;
        }
        let relative = file.strip_prefix(copy)?;
        let target = root.join(relative);
        let new = fs::read(&file)?;
        if fs::read(&target).ok().as_ref() != Some(&new) {
            fs::write(&target, new).with_context(|| format!("write {}", target.display()))?;
            changed.push(relative.display().to_string());
        }
    }
    Ok(changed)
}
