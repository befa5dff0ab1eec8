//! Numbered progress lines while verify runs, and the final count.

use std::io::Write as _;
use std::time::Instant;

pub struct Report {
    total: usize,
    done: usize,
    passed: usize,
    failed: Vec<String>,
    /// Checks that could not run here, with why.
    skipped: Vec<String>,
}

impl Report {
    pub fn new(total: usize) -> Self {
        Self {
            total,
            done: 0,
            passed: 0,
            failed: Vec::new(),
            skipped: Vec::new(),
        }
    }

    /// Runs one check, printing its label first so a slow check shows what
    /// is running, then its outcome: a detail on success, why on failure.
    pub fn check(&mut self, label: &str, check: impl FnOnce() -> Result<String, String>) {
        self.done += 1;
        let width = self.total.to_string().len();
        print!("[{:>width$}/{}] {label} ... ", self.done, self.total);
        let _ = std::io::stdout().flush();
        let started = Instant::now();
        let outcome = check();
        let seconds = started.elapsed().as_secs_f64();
        match outcome {
            Ok(detail) => {
                self.passed += 1;
                println!("ok ({seconds:.1}s) {detail}");
            }
            Err(why) => {
                println!("FAILED ({seconds:.1}s)");
                for line in why.lines() {
                    println!("      {line}");
                }
                self.failed.push(label.to_owned());
            }
        }
    }

    /// Counts a check that cannot run on this machine: neither passed nor
    /// failed, and named again in the summary.
    pub fn skip(&mut self, label: &str, why: &str) {
        self.done += 1;
        let width = self.total.to_string().len();
        println!(
            "[{:>width$}/{}] {label} ... skipped: {why}",
            self.done, self.total
        );
        self.skipped.push(format!("{label}: {why}"));
    }

    /// Prints the summary; true when every check passed.
    pub fn finish(self) -> bool {
        if !self.skipped.is_empty() {
            println!("\nSkipped checks (they could not run here):");
            for label in &self.skipped {
                println!("  - {label}");
            }
        }
        if !self.failed.is_empty() {
            println!("\nFailed checks:");
            for label in &self.failed {
                println!("  - {label}");
            }
        }
        println!("\n{} passed, {} failed", self.passed, self.failed.len());
        self.failed.is_empty()
    }
}

/// Joins problems into a failure, or reports `ok` when there are none.
pub fn none_or(problems: Vec<String>, ok: &str) -> Result<String, String> {
    if problems.is_empty() {
        Ok(ok.to_owned())
    } else {
        Err(problems.join("\n"))
    }
}
