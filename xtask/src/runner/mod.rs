//! The learner's runner: `start` (book + watch view) and the one-shot
//! commands `status`, `check`, `hint`, `reset`, `solution` and `list`.

pub mod check;
pub mod commands;
pub mod hints;
pub mod pages;
pub mod progress;
pub mod watch;

use anyhow::{Result, bail};

use crate::workbook::{Exercise, Workbook};

/// The exercise called `name`, or the current one when no name is given.
pub fn pick<'a>(
    workbook: &'a Workbook,
    progress: &progress::Progress,
    name: Option<&str>,
) -> Result<&'a Exercise> {
    match name {
        Some(name) => match workbook.find(name) {
            Some(exercise) => Ok(exercise),
            None => bail!("no exercise is called `{name}` (see `cargo xtask list`)"),
        },
        None => match progress.current(workbook) {
            Some(exercise) => Ok(exercise),
            None => bail!("every exercise is done; name one to work on it again"),
        },
    }
}

pub use pages::page_url;
