//! Runs a command under a time bound. The command gets its own process
//! group, so on timeout, on Ctrl-C or on a cancel request the whole tree
//! (cargo, test binaries, rustc) dies with it and no process is left behind.

use std::fs::{self, File};
use std::os::unix::process::CommandExt;
use std::path::Path;
use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicBool, AtomicI32, Ordering};
use std::sync::mpsc::{self, RecvTimeoutError};
use std::thread;
use std::time::{Duration, Instant};

use anyhow::{Context, Result};

pub struct Finished {
    /// `None` when the command was stopped: at the time bound or cancelled.
    pub success: Option<bool>,
    /// Standard output and standard error, interleaved as written.
    pub output: String,
    pub elapsed: Duration,
}

impl Finished {
    pub fn timed_out(&self) -> bool {
        self.success.is_none()
    }
}

/// A `cargo` command: the cargo that runs this tool, so the pinned toolchain.
pub fn cargo() -> Command {
    Command::new(std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into()))
}

/// The process group of the command running now, for the signal handler.
static RUNNING_GROUP: AtomicI32 = AtomicI32::new(0);
/// Set to stop the running command early (the watch view's quit key).
static CANCEL: AtomicBool = AtomicBool::new(false);

/// Asks the running command, if any, to stop now.
pub fn cancel_running() {
    CANCEL.store(true, Ordering::SeqCst);
}

/// Makes Ctrl-C (and SIGTERM) kill the running command's process group
/// before this process exits.
pub fn kill_children_on_interrupt() {
    extern "C" fn on_signal(signal: libc::c_int) {
        let group = RUNNING_GROUP.load(Ordering::SeqCst);
        // SAFETY: kill, signal and raise are async-signal-safe; the handler
        // touches no memory besides an atomic load.
        unsafe {
            if group > 0 {
                libc::kill(-group, libc::SIGKILL);
            }
            libc::signal(signal, libc::SIG_DFL);
            libc::raise(signal);
        }
    }
    let handler = on_signal as extern "C" fn(libc::c_int);
    // SAFETY: installs a handler that only calls async-signal-safe functions.
    unsafe {
        libc::signal(libc::SIGINT, handler as libc::sighandler_t);
        libc::signal(libc::SIGTERM, handler as libc::sighandler_t);
    }
}

/// Runs `command` until it exits, `limit` passes or it is cancelled.
/// Output goes through `log` (one file for both streams keeps their order).
pub fn run_bounded(command: &mut Command, limit: Duration, log: &Path) -> Result<Finished> {
    run(command, log, |elapsed, _| elapsed > limit)
}

/// Runs `cargo test`: compiling may take up to `build_limit`; the tests
/// themselves get `limit`, counted from the first test binary cargo starts.
pub fn run_tests_bounded(
    command: &mut Command,
    build_limit: Duration,
    limit: Duration,
    log: &Path,
) -> Result<Finished> {
    let mut tests_started: Option<Instant> = None;
    run(command, log, |elapsed, log| {
        if tests_started.is_none()
            && fs::read(log).is_ok_and(|out| contains(&out, b"     Running "))
        {
            tests_started = Some(Instant::now());
        }
        match tests_started {
            Some(at) => at.elapsed() > limit,
            None => elapsed > build_limit,
        }
    })
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack.windows(needle.len()).any(|w| w == needle)
}

fn run(
    command: &mut Command,
    log: &Path,
    mut out_of_time: impl FnMut(Duration, &Path) -> bool,
) -> Result<Finished> {
    if let Some(dir) = log.parent() {
        fs::create_dir_all(dir)?;
    }
    let file = File::create(log).with_context(|| format!("create {}", log.display()))?;
    CANCEL.store(false, Ordering::SeqCst);
    let started = Instant::now();
    let mut child = command
        .stdin(Stdio::null())
        .stdout(file.try_clone()?)
        .stderr(file)
        .process_group(0)
        .spawn()
        .with_context(|| format!("start {command:?}"))?;
    let group = libc::pid_t::try_from(child.id()).unwrap_or(0);
    RUNNING_GROUP.store(group, Ordering::SeqCst);
    // A thread waits for the exit, so it is seen at once rather than at the
    // next tick; the ticks only check the time bound and cancellation.
    let (exited_tx, exited) = mpsc::channel();
    thread::spawn(move || {
        let _ = exited_tx.send(child.wait());
    });
    let success = loop {
        match exited.recv_timeout(Duration::from_millis(10)) {
            Ok(status) => break Some(status?.success()),
            Err(RecvTimeoutError::Timeout) => {}
            Err(RecvTimeoutError::Disconnected) => anyhow::bail!("lost track of {command:?}"),
        }
        if out_of_time(started.elapsed(), log) || CANCEL.load(Ordering::SeqCst) {
            kill_group(group);
            let _ = exited.recv();
            break None;
        }
    };
    // The group may outlive its leader (a test binary still running).
    kill_group(group);
    RUNNING_GROUP.store(0, Ordering::SeqCst);
    let output = String::from_utf8_lossy(&fs::read(log)?).into_owned();
    Ok(Finished {
        success,
        output,
        elapsed: started.elapsed(),
    })
}

fn kill_group(group: libc::pid_t) {
    if group > 0 {
        // SAFETY: kill(2) with a negative pid signals the process group the
        // child leads (it was spawned with process_group(0)); no memory is touched.
        unsafe {
            libc::kill(-group, libc::SIGKILL);
        }
    }
}
