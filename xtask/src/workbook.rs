//! The workbook's exercises, read from the one place their facts live:
//! `[package.metadata.workbook]` in each exercise's `Cargo.toml`.

use std::path::{Path, PathBuf};
use std::process::Command;

use anyhow::{Context, Result, bail};
use serde::Deserialize;

/// How an exercise's starter is expected to fail.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Fails {
    /// A behaviour test fails (trybuild checks may fail too).
    Test,
    /// Only trybuild checks fail.
    Ui,
    /// The crate does not compile as shipped: the compile error is the lesson.
    Compile,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
struct Metadata {
    title: String,
    fails: Fails,
    starter_fails_with: String,
    minutes: u32,
    /// The files the learner edits, relative to the crate: what `reset`
    /// restores and what a solution may replace.
    edits: Vec<String>,
    /// Run its behaviour tests under Miri on the solution (unsafe code).
    #[serde(default)]
    miri: bool,
}

#[derive(Clone, Debug)]
pub struct Exercise {
    /// The package name, what learners type after `cargo test -p`.
    pub name: String,
    /// `NN-chapter/MM-name`, shared by the page, the crate and the solution.
    pub slug: String,
    pub title: String,
    pub fails: Fails,
    pub starter_fails_with: String,
    pub minutes: u32,
    /// The files the learner edits, relative to the crate (`src/lib.rs`).
    pub edits: Vec<PathBuf>,
    /// The names of its test targets of their own (`ui` for `tests/ui.rs`);
    /// the behaviour tests listed in `tests/mod.rs` are part of the lib.
    pub test_targets: Vec<String>,
    /// Verify runs its behaviour tests under Miri on the solution.
    pub miri: bool,
}

impl Exercise {
    /// `NN-chapter`.
    pub fn chapter(&self) -> &str {
        self.slug.split('/').next().unwrap_or_default()
    }

    /// The crate, relative to the workbook root.
    pub fn dir(&self) -> PathBuf {
        Path::new("exercises").join(&self.slug)
    }

    /// The solved files, relative to the workbook root.
    pub fn solution_dir(&self) -> PathBuf {
        Path::new("solutions").join(&self.slug)
    }

    /// The hints, `hints/1.md`, `hints/2.md`, ..., relative to the workbook
    /// root: out of the README, so that reading it does not reveal them.
    pub fn hints_dir(&self) -> PathBuf {
        self.dir().join("hints")
    }

    /// The book page, relative to the book's `src/`.
    pub fn page(&self) -> PathBuf {
        PathBuf::from(format!("{}.md", self.slug))
    }

    /// Whether it has trybuild checks (by convention in `tests/ui.rs`).
    pub fn has_ui_tests(&self) -> bool {
        self.test_targets.iter().any(|t| t == "ui")
    }

    pub fn command(&self) -> String {
        format!("cargo test -p {}", self.name)
    }
}

pub struct Workbook {
    pub root: PathBuf,
    /// Where cargo builds, shared by the learner's runs and verify's.
    pub target_dir: PathBuf,
    /// In learning order: sorted by `NN-chapter/MM-name`.
    pub exercises: Vec<Exercise>,
    /// Workspace dependencies the book's snippets may use, from
    /// `[workspace.metadata.workbook] snippet-dependencies`.
    pub snippet_dependencies: Vec<String>,
    /// Workspace members that are not exercises: xtask, support crates.
    pub tool_packages: Vec<String>,
}

impl Workbook {
    /// Reads the workspace at `root` with `cargo metadata`.
    pub fn load(root: &Path) -> Result<Self> {
        let metadata = cargo_metadata::MetadataCommand::new()
            .manifest_path(root.join("Cargo.toml"))
            .no_deps()
            .exec()
            .context("read the workspace with `cargo metadata`")?;
        let exercises_dir = root.join("exercises");
        let mut exercises = Vec::new();
        let mut tool_packages = Vec::new();
        for package in metadata.workspace_packages() {
            let dir = package
                .manifest_path
                .parent()
                .context("manifest has a directory")?;
            let Ok(slug) = dir.as_std_path().strip_prefix(&exercises_dir) else {
                tool_packages.push(package.name.to_string());
                continue;
            };
            let slug = slug.to_string_lossy().replace('\\', "/");
            let raw = package.metadata.get("workbook").with_context(|| {
                format!("exercises/{slug}/Cargo.toml has no [package.metadata.workbook]")
            })?;
            let meta: Metadata = serde_json::from_value(raw.clone()).with_context(|| {
                format!("exercises/{slug}/Cargo.toml: [package.metadata.workbook]")
            })?;
            if slug.split('/').count() != 2 {
                bail!("exercise {slug}: expected exercises/NN-chapter/MM-name");
            }
            exercises.push(Exercise {
                name: package.name.to_string(),
                slug,
                title: meta.title,
                fails: meta.fails,
                starter_fails_with: meta.starter_fails_with,
                minutes: meta.minutes,
                edits: meta.edits.iter().map(PathBuf::from).collect(),
                miri: meta.miri,
                test_targets: package
                    .targets
                    .iter()
                    .filter(|t| t.kind.contains(&cargo_metadata::TargetKind::Test))
                    .map(|t| t.name.clone())
                    .collect(),
            });
        }
        exercises.sort_by(|a, b| a.slug.cmp(&b.slug));
        let snippet_dependencies = match metadata
            .workspace_metadata
            .pointer("/workbook/snippet-dependencies")
        {
            Some(list) => serde_json::from_value(list.clone())
                .context("[workspace.metadata.workbook] snippet-dependencies is a list of names")?,
            None => Vec::new(),
        };
        Ok(Self {
            root: root.to_path_buf(),
            target_dir: metadata.target_directory.into_std_path_buf(),
            exercises,
            snippet_dependencies,
            tool_packages,
        })
    }

    /// The workbook to work on, found at run time: the parent of the
    /// `xtask/` that `cargo run` names in `CARGO_MANIFEST_DIR` when it
    /// starts this tool (`cargo xtask` picks the workspace the current
    /// directory is in), else the nearest workbook at or above the current
    /// directory (the binary run by itself). Never a path compiled into the
    /// binary: the folder may have moved since the build, and a target
    /// directory shared between two checkouts runs one binary for both.
    pub fn locate() -> Result<PathBuf> {
        let from_cargo = std::env::var_os("CARGO_MANIFEST_DIR")
            .map(PathBuf::from)
            .and_then(|xtask| Some(xtask.parent()?.to_path_buf()))
            .filter(|root| is_workbook(root));
        if let Some(root) = from_cargo {
            return Ok(root);
        }
        let cwd = std::env::current_dir().context("read the current directory")?;
        match cwd.ancestors().find(|dir| is_workbook(dir)) {
            Some(root) => Ok(root.to_path_buf()),
            None => bail!(
                "{} is not inside the workbook: no folder at or above it has a Cargo.toml \
                 with [workspace], an xtask/ and an exercises/ folder. Run `cargo xtask` \
                 from inside the workbook, or pass --root DIR",
                cwd.display()
            ),
        }
    }

    pub fn find(&self, name: &str) -> Option<&Exercise> {
        self.exercises.iter().find(|e| e.name == name)
    }

    pub fn book_dir(&self) -> PathBuf {
        self.root.join("book")
    }

    pub fn book_src(&self) -> PathBuf {
        self.book_dir().join("src")
    }

    /// A file as committed in git's `HEAD` (relative to the root): a
    /// learner-edited file as shipped. `None` when `HEAD` has no such file;
    /// an error when git cannot be asked (no git, or not a git checkout).
    pub fn committed(&self, file: &Path) -> Result<Option<Vec<u8>>> {
        // `./` makes the path relative to the root, even when the workbook is a
        // folder inside a larger repository.
        let spec = format!("HEAD:./{}", file.to_string_lossy().replace('\\', "/"));
        let output = Command::new("git")
            .args(["cat-file", "blob", &spec])
            .current_dir(&self.root)
            .output()
            .context("run git")?;
        if output.status.success() {
            return Ok(Some(output.stdout));
        }
        let known = Command::new("git")
            .args(["rev-parse", "--verify", "--quiet", "HEAD"])
            .current_dir(&self.root)
            .output()
            .context("run git")?;
        if known.status.success() {
            Ok(None)
        } else {
            bail!(
                "{} is not a git checkout with a commit, so the files as shipped are unknown: {}",
                self.root.display(),
                String::from_utf8_lossy(&output.stderr).trim()
            )
        }
    }
}

/// Whether `dir` is a workbook's root: a Cargo workspace with the tool and
/// the exercises beside it.
pub fn is_workbook(dir: &Path) -> bool {
    dir.join("xtask").is_dir()
        && dir.join("exercises").is_dir()
        && std::fs::read_to_string(dir.join("Cargo.toml"))
            .is_ok_and(|text| text.lines().any(|l| l.trim() == "[workspace]"))
}

/// The stems of the test files directly in `crate_dir/tests`, sorted
/// (`countdown` for `tests/countdown.rs`), without `mod`: the files that
/// `tests/mod.rs` compiles into the crate, and the test targets of their
/// own (`ui`). Empty when there is no `tests` folder.
pub fn test_files(crate_dir: &Path) -> Vec<String> {
    let mut stems: Vec<String> = std::fs::read_dir(crate_dir.join("tests"))
        .into_iter()
        .flatten()
        .flatten()
        .filter_map(|entry| {
            entry
                .file_name()
                .to_str()?
                .strip_suffix(".rs")
                .map(str::to_owned)
        })
        .filter(|stem| stem != "mod")
        .collect();
    stems.sort();
    stems
}
