//! Runs a command under a time bound. The command gets its own process
//! group, so on timeout the whole tree (cargo, test binaries, rustc) dies.

use std::fs::{self, File};
use std::os::unix::process::CommandExt;
use std::path::Path;
use std::process::{Command, Stdio};
use std::thread;
use std::time::{Duration, Instant};

use anyhow::{Context, Result};

pub struct Finished {
    /// `None` when the command was killed at the time bound.
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

/// Runs `command` until it exits or `limit` passes. Output goes through
/// `log` (one file for both streams keeps their order).
pub fn run_bounded(command: &mut Command, limit: Duration, log: &Path) -> Result<Finished> {
    let file = File::create(log).with_context(|| format!("create {}", log.display()))?;
    let started = Instant::now();
    let mut child = command
        .stdin(Stdio::null())
        .stdout(file.try_clone()?)
        .stderr(file)
        .process_group(0)
        .spawn()
        .with_context(|| format!("start {command:?}"))?;
    let success = loop {
        if let Some(status) = child.try_wait()? {
            break Some(status.success());
        }
        if started.elapsed() > limit {
            kill_group(child.id());
            let _ = child.wait();
            break None;
        }
        thread::sleep(Duration::from_millis(20));
    };
    let output = String::from_utf8_lossy(&fs::read(log)?).into_owned();
    Ok(Finished {
        success,
        output,
        elapsed: started.elapsed(),
    })
}

fn kill_group(pid: u32) {
    let Ok(pid) = libc::pid_t::try_from(pid) else {
        return;
    };
    // SAFETY: kill(2) with a negative pid signals the process group the
    // child leads (it was spawned with process_group(0)); no memory is touched.
    unsafe {
        libc::kill(-pid, libc::SIGKILL);
    }
}
