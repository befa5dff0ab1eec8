//! Where a learner reads an exercise's page. A link to the local server
//! only while `start` or `serve` runs for this workbook (with its real
//! port); otherwise the page's file, which is always there.

use std::fs;
use std::net::{Ipv4Addr, SocketAddr, TcpStream};
use std::path::{Path, PathBuf};
use std::time::Duration;

use crate::workbook::{Exercise, Workbook};

/// Where a page is served by `start` and `serve`.
pub fn page_url(exercise: &Exercise, port: u16) -> String {
    format!("http://127.0.0.1:{port}/{}.html", exercise.slug)
}

/// The page's source, relative to the workbook root.
pub fn page_file(workbook: &Workbook, exercise: &Exercise) -> PathBuf {
    let src = workbook.book_src();
    let relative = src.strip_prefix(&workbook.root).unwrap_or(&src);
    relative.join(exercise.page())
}

/// The page as a learner can open it now: its URL while this workbook's
/// book is served, else its file.
pub fn page_link(workbook: &Workbook, exercise: &Exercise) -> String {
    match serving(&workbook.root) {
        Some(port) => page_url(exercise, port),
        None => format!(
            "{} (`cargo xtask start` shows it in the browser)",
            page_file(workbook, exercise).display()
        ),
    }
}

fn server_file(root: &Path) -> PathBuf {
    root.join(".workbook").join("server")
}

/// Notes that this process serves the book on `port`, for the one-shot
/// commands other terminals run meanwhile. The note outlives the process
/// (Ctrl-C), so `serving` checks that it still holds.
pub fn record_server(root: &Path, port: u16) {
    if serving(root) == Some(port) {
        // Another `start` or `serve` has the port: this one will fail to
        // listen, and the note stays that one's.
        return;
    }
    let file = server_file(root);
    if let Some(dir) = file.parent() {
        let _ = fs::create_dir_all(dir);
    }
    let _ = fs::write(file, format!("{port} {}\n", std::process::id()));
}

/// Removes the note of `record_server`, if it is this process's.
pub fn forget_server(root: &Path) {
    let file = server_file(root);
    if read_server(&file).is_some_and(|(_, pid)| pid == std::process::id()) {
        let _ = fs::remove_file(file);
    }
}

fn read_server(file: &Path) -> Option<(u16, u32)> {
    let text = fs::read_to_string(file).ok()?;
    let mut words = text.split_whitespace();
    Some((words.next()?.parse().ok()?, words.next()?.parse().ok()?))
}

/// The port this workbook's book is served on, if a `start` or `serve`
/// that recorded it is still alive and its port answers.
pub fn serving(root: &Path) -> Option<u16> {
    let (port, pid) = read_server(&server_file(root))?;
    let pid = libc::pid_t::try_from(pid).ok()?;
    // SAFETY: kill(2) with signal 0 only asks whether the process exists;
    // it sends nothing and touches no memory.
    let alive = unsafe { libc::kill(pid, 0) } == 0;
    let address = SocketAddr::from((Ipv4Addr::LOCALHOST, port));
    (alive && TcpStream::connect_timeout(&address, Duration::from_millis(300)).is_ok())
        .then_some(port)
}
