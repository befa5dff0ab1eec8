//! trybuild with a time limit on the programs it runs.
//!
//! trybuild compiles each `pass` case and runs it, and waits for it however
//! long it takes: a case program that spins or waits forever hangs a plain
//! `cargo test`. [`check`] runs trybuild as usual and, beside it, watches
//! this test's child processes: a case program (trybuild names them
//! `trybuild000`, `trybuild001`, ...) still running after `limit` is
//! killed, and the test fails naming its file. Compiling is not timed, only
//! running. The watching reads `/proc`, so it works on Linux; elsewhere the
//! cases run unbounded, as with trybuild alone.

use std::collections::HashMap;
use std::fs;
use std::panic::{self, AssertUnwindSafe};
use std::process::{self, Command};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::thread;
use std::time::{Duration, Instant};

use trybuild::TestCases;

/// Runs the trybuild cases that `add` declares, killing any case program
/// that runs longer than `limit`.
///
/// ```no_run
/// use std::time::Duration;
///
/// workbook_support::ui::check(Duration::from_secs(10), |t| t.pass("tests/ui/*.rs"));
/// ```
#[track_caller]
pub fn check(limit: Duration, add: impl FnOnce(&TestCases)) {
    crate::quiet::install();
    crate::quiet::mark_this_thread();
    let done = Arc::new(AtomicBool::new(false));
    let watcher = {
        let done = done.clone();
        thread::spawn(move || watch(limit, &done))
    };
    // trybuild compiles and runs the cases when `TestCases` is dropped.
    let outcome = panic::catch_unwind(AssertUnwindSafe(|| add(&TestCases::new())));
    done.store(true, Ordering::SeqCst);
    let stopped = watcher.join().unwrap_or_default();
    if !stopped.is_empty() {
        let (what, were, it) = match stopped.len() {
            1 => (stopped.concat(), "was", "it was"),
            _ => (stopped.join(" and "), "were", "they were"),
        };
        panic!(
            "{what} {were} still running after {limit:?}, so {it} killed. \
             A program that never ends usually awaits a future that is never woken, loops \
             without an `.await`, or polls a future in a loop that never sees `Ready`."
        );
    }
    if let Err(payload) = outcome {
        panic::resume_unwind(payload);
    }
}

/// Until `done`, looks at this process's descendants every 100 ms and
/// kills case programs older than `limit`. Returns what it stopped.
fn watch(limit: Duration, done: &AtomicBool) -> Vec<String> {
    let mut first_seen: HashMap<u32, Instant> = HashMap::new();
    let mut stopped = Vec::new();
    while !done.load(Ordering::SeqCst) {
        for pid in case_programs() {
            let seen = *first_seen.entry(pid).or_insert_with(Instant::now);
            if seen.elapsed() > limit {
                let what = case_file(pid);
                // Ignore failure: it may have ended just now.
                let _ = Command::new("kill")
                    .args(["-KILL", &pid.to_string()])
                    .status();
                eprintln!("{what} ran for more than {limit:?}: killed it");
                first_seen.remove(&pid);
                stopped.push(what);
            }
        }
        thread::sleep(Duration::from_millis(100));
    }
    stopped
}

/// The pids of the trybuild case programs among this process's descendants.
fn case_programs() -> Vec<u32> {
    let Ok(entries) = fs::read_dir("/proc") else {
        return Vec::new();
    };
    // pid -> (parent pid, command name)
    let processes: HashMap<u32, (u32, String)> = entries
        .flatten()
        .filter_map(|entry| {
            let pid: u32 = entry.file_name().to_str()?.parse().ok()?;
            let stat = fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
            // "pid (comm) state ppid ...": comm may hold spaces, so split at
            // the last parenthesis.
            let (head, tail) = stat.rsplit_once(')')?;
            let comm = head.split_once('(')?.1.to_owned();
            let ppid = tail.split_whitespace().nth(1)?.parse().ok()?;
            Some((pid, (ppid, comm)))
        })
        .collect();
    let me = process::id();
    let descends_from_me = |mut pid: u32| {
        while let Some(&(parent, _)) = processes.get(&pid) {
            if parent == me {
                return true;
            }
            pid = parent;
        }
        false
    };
    processes
        .iter()
        .filter(|(_, (_, comm))| {
            comm.strip_prefix("trybuild")
                .is_some_and(|n| !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()))
        })
        .map(|(&pid, _)| pid)
        .filter(|&pid| descends_from_me(pid))
        .collect()
}

/// The case file a case program was built from, read from the manifest
/// trybuild wrote in the directory the program runs in; its binary name if
/// that fails.
fn case_file(pid: u32) -> String {
    let name = fs::read_to_string(format!("/proc/{pid}/comm"))
        .map(|comm| comm.trim().to_owned())
        .unwrap_or_else(|_| format!("process {pid}"));
    let manifest = fs::read_to_string(format!("/proc/{pid}/cwd/Cargo.toml")).unwrap_or_default();
    // [[bin]]\nname = "trybuild000"\npath = "/.../tests/ui/case.rs"
    let path = manifest
        .split("[[bin]]")
        .find(|bin| bin.contains(&format!("name = \"{name}\"")))
        .and_then(|bin| bin.split("path = \"").nth(1))
        .and_then(|rest| rest.split('"').next());
    match path {
        Some(path) => {
            let short = path.find("tests/ui/").map_or(path, |at| &path[at..]);
            format!("the program {short}")
        }
        None => format!("the test case program {name}"),
    }
}
