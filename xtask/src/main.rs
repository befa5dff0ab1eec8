//! The workbook's own tool. Each command lives in its own module; this file
//! only parses the command line.

mod bless;
mod book;
mod list;
mod serve;
mod verify;
mod workbook;

use std::process::ExitCode;

use clap::{Parser, Subcommand};

use crate::workbook::Workbook;

#[derive(Parser)]
#[command(name = "cargo xtask", about = "The async Rust workbook's tool")]
struct Cli {
    /// The workbook to work on (default: the one this tool belongs to).
    #[arg(long, global = true, value_name = "DIR")]
    root: Option<std::path::PathBuf>,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Build the book into book/book.
    Book,
    /// Build and serve the book on 127.0.0.1, rebuilding when it changes.
    Serve {
        #[arg(long, default_value_t = 3000)]
        port: u16,
    },
    /// List the exercises in learning order.
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
        Command::Serve { port } => serve::run(&workbook, port)?,
        Command::List => list::run(&workbook),
        Command::Bless { name } => bless::run(&workbook, &name)?,
        Command::Verify(options) => return verify::run(&workbook, &options),
    }
    Ok(ExitCode::SUCCESS)
}
