//! A fixture workbook copied into a temporary directory, for tests that
//! run the xtask binary against it.

#![allow(dead_code)] // each test file uses a different part

use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

pub struct Fixture {
    _dir: tempfile::TempDir,
    pub root: PathBuf,
}

impl Fixture {
    pub fn new() -> Self {
        let dir = tempfile::tempdir().expect("temp dir");
        let root = dir.path().join("workbook");
        copy_tree(
            &Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixture"),
            &root,
        );
        Fixture { _dir: dir, root }
    }

    /// Like `new`, committed to a git repository, as a learner's clone is.
    pub fn committed() -> Self {
        let fixture = Self::new();
        fixture.commit();
        fixture
    }

    /// Commits the fixture as it is now to a new git repository.
    pub fn commit(&self) {
        for args in [
            &["init", "-q"][..],
            &["add", "-A"],
            &["commit", "-q", "-m", "workbook"],
        ] {
            let status = Command::new("git")
                .args([
                    "-c",
                    "user.name=Fixture",
                    "-c",
                    "user.email=fixture@example.com",
                ])
                .args(args)
                .current_dir(&self.root)
                .status()
                .expect("run git");
            assert!(status.success(), "git {args:?}");
        }
    }

    pub fn path(&self, path: &str) -> PathBuf {
        self.root.join(path)
    }

    pub fn write(&self, path: &str, text: &str) {
        let path = self.path(path);
        fs::create_dir_all(path.parent().expect("parent")).expect("create dir");
        fs::write(path, text).expect("write fixture file");
    }

    pub fn read(&self, path: &str) -> String {
        fs::read_to_string(self.path(path)).expect("read fixture file")
    }

    /// Runs `cargo xtask ARGS` on the fixture; returns whether it succeeded
    /// and what it printed (stdout, then stderr).
    pub fn xtask(&self, args: &[&str]) -> (bool, String) {
        let output: Output = Command::new(env!("CARGO_BIN_EXE_xtask"))
            .arg("--root")
            .arg(&self.root)
            .args(args)
            .env_remove("CARGO_TARGET_DIR")
            .env_remove("CI")
            // The browser checks have their own test (tests/browser.rs).
            .env("WORKBOOK_NO_BROWSER", "1")
            .output()
            .expect("run xtask");
        let text = String::from_utf8_lossy(&output.stdout).into_owned()
            + &String::from_utf8_lossy(&output.stderr);
        (output.status.success(), text)
    }
}

fn copy_tree(from: &Path, to: &Path) {
    fs::create_dir_all(to).expect("create dir");
    for entry in fs::read_dir(from).expect("read dir") {
        let entry = entry.expect("entry");
        let target = to.join(entry.file_name());
        if entry.path().is_dir() {
            copy_tree(&entry.path(), &target);
        } else {
            fs::copy(entry.path(), target).expect("copy");
        }
    }
}
