//! The workbook's own tool. Each command lives in its own module; this file
//! only parses the command line.

mod bless;
mod book;
mod cargo_test;
mod classroom;
mod process;
mod runner;
mod serve;
mod verify;
mod workbook;

use std::process::ExitCode;

use clap::{Parser, Subcommand};

use crate::workbook::Workbook;

#[derive(Parser)]
#[command(name = "cargo xtask", about = "The async Rust workbook's tool")]
struct Cli {
    /// The workbook to work on (default: the one the current directory is in).
    #[arg(long, global = true, value_name = "DIR")]
    root: Option<std::path::PathBuf>,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Start learning: serve the book and watch the current exercise,
    /// re-running its tests on every save.
    Start {
        #[arg(long, default_value_t = 3000)]
        port: u16,
        #[command(flatten)]
        limit: TimeLimit,
        /// Detect saves by polling, for file systems without change notification.
        #[arg(long)]
        poll: bool,
    },
    /// The current exercise, its path and command, and how many are done.
    Status,
    /// Run one exercise's tests (the current one by default).
    Check {
        name: Option<String>,
        #[command(flatten)]
        limit: TimeLimit,
    },
    /// Reveal the next hint of an exercise (the current one by default).
    Hint { name: Option<String> },
    /// Restore an exercise's starter files, after backing up yours.
    Reset { name: String },
    /// Show an exercise's solution once it passes.
    Solution {
        name: String,
        /// Show it even though the exercise is not solved yet.
        #[arg(long)]
        force: bool,
        /// Show the differences from your files instead.
        #[arg(long)]
        diff: bool,
    },
    /// Build the book into book/book.
    Book,
    /// The course's timings: reading time per page, exercise minutes, totals
    /// (the numbers the instructor guide shows).
    Schedule {
        /// Chapters (`01-futures`) or exercises (`countdown`) to sum; all by default.
        items: Vec<String>,
    },
    /// Build and serve the book on 127.0.0.1, rebuilding when it changes.
    Serve {
        #[arg(long, default_value_t = 3000)]
        port: u16,
    },
    /// List the exercises by chapter with your progress: done, current, pending.
    List,
    /// Regenerate an exercise's insta snapshots and trybuild .stderr files
    /// from its solution, on purpose (authors only).
    Bless {
        /// The exercise's package name.
        name: String,
    },
    /// Prove every invariant: each starter fails as declared, each solution
    /// passes, the book builds and its snippets compile and run, lints are clean.
    Verify(verify::Options),
    /// Write a student copy of the workbook without solutions: the files
    /// committed in HEAD minus solutions/, as a new git repository.
    Handout {
        /// A new or empty folder, outside the workbook.
        dir: std::path::PathBuf,
    },
    /// Export your progress to a file to hand to your instructor.
    Progress {
        /// The file to write (JSON).
        #[arg(long, value_name = "FILE")]
        export: std::path::PathBuf,
        /// Your name, as your instructor knows you.
        #[arg(long)]
        name: String,
    },
    /// The class's progress from a folder of exported progress files:
    /// a student x exercise table and who is stuck where.
    Report {
        /// The folder of progress files (`progress --export`).
        dir: std::path::PathBuf,
        /// Also write the table as CSV to this file.
        #[arg(long, value_name = "FILE")]
        csv: Option<std::path::PathBuf>,
    },
}

/// How long one run of an exercise's tests may take.
#[derive(clap::Args)]
struct TimeLimit {
    /// Seconds before a test run is stopped as hung.
    #[arg(long = "timeout", env = "WORKBOOK_TIMEOUT", default_value_t = 20)]
    seconds: u64,
}

impl TimeLimit {
    fn duration(&self) -> std::time::Duration {
        std::time::Duration::from_secs(self.seconds)
    }
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match run(cli.root, cli.command) {
        Ok(code) => code,
        Err(error) => {
            eprintln!("error: {error:#}");
            ExitCode::FAILURE
        }
    }
}

fn run(root: Option<std::path::PathBuf>, command: Command) -> anyhow::Result<ExitCode> {
    let root = match root {
        Some(root) => root.canonicalize()?,
        None => Workbook::locate()?,
    };
    let workbook = Workbook::load(&root)?;
    match command {
        Command::Book => book::run(&workbook)?,
        Command::Schedule { items } => book::schedule::run(&workbook, &items)?,
        Command::Serve { port } => {
            runner::pages::record_server(&workbook.root, port);
            serve::run(&workbook, port)?;
        }
        Command::Start { port, limit, poll } => {
            let options = runner::watch::Options {
                port,
                limit: limit.duration(),
                poll,
            };
            runner::pages::record_server(&workbook.root, port);
            let result = runner::watch::start(&workbook, &options);
            runner::pages::forget_server(&workbook.root);
            return result;
        }
        Command::Status => runner::commands::status(&workbook)?,
        Command::Check { name, limit } => {
            return runner::commands::check(&workbook, name.as_deref(), limit.duration());
        }
        Command::Hint { name } => runner::commands::hint(&workbook, name.as_deref())?,
        Command::Reset { name } => runner::commands::reset(&workbook, &name)?,
        Command::Solution { name, force, diff } => {
            return runner::commands::solution(&workbook, &name, force, diff);
        }
        Command::List => runner::commands::list(&workbook),
        Command::Bless { name } => bless::run(&workbook, &name)?,
        Command::Verify(options) => return verify::run(&workbook, &options),
        Command::Handout { dir } => classroom::handout::run(&workbook, &dir)?,
        Command::Progress { export, name } => classroom::export::run(&workbook, &export, &name)?,
        Command::Report { dir, csv } => {
            return classroom::report::run(&workbook, &dir, csv.as_deref());
        }
    }
    Ok(ExitCode::SUCCESS)
}
