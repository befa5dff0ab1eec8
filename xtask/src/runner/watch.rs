//! `cargo xtask start`: serves the book and watches the current exercise.
//! Each save re-runs its tests and redraws a compact view; single keys move
//! on, reveal hints, list progress, reset, re-run or quit.

use std::collections::VecDeque;
use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::mpsc::{self, Receiver, Sender};
use std::sync::{Arc, Mutex};
use std::thread;
use std::time::{Duration, Instant, SystemTime};

use anyhow::Result;
use crossterm::event::{self, Event as TermEvent, KeyCode, KeyEvent, KeyEventKind, KeyModifiers};
use crossterm::terminal;
use notify::Watcher;

use super::check::{Checker, Outcome, render};
use super::commands::{self, Reset, load_progress, next_hint, reset_exercise};
use super::page_url;
use super::progress::Progress;
use crate::workbook::{Exercise, Workbook};
use crate::{process, serve};

pub struct Options {
    pub port: u16,
    pub limit: Duration,
    /// Check files for changes by polling instead of change notification.
    pub poll: bool,
}

enum Event {
    Changed,
    Key(char),
    Quit,
}

pub fn start(workbook: &Workbook, options: &Options) -> Result<ExitCode> {
    serve::start(workbook, options.port, false)?;
    let book = format!("http://127.0.0.1:{}/", options.port);
    if !std::io::stdin().is_terminal() || std::env::var_os("CI").is_some() {
        println!("Serving the book at {book}");
        println!("No terminal to watch in: checking the current exercise once.");
        return commands::check(workbook, None, options.limit);
    }
    process::kill_children_on_interrupt();
    let (tx, rx) = mpsc::channel();
    let watched = Arc::new(Mutex::new(PathBuf::new()));
    let _watcher = watch_files(workbook, &watched, &tx, options.poll)?;
    let raw = RawMode::enable()?;
    spawn_key_reader(tx);
    let mut view = View {
        workbook,
        progress: load_progress(workbook),
        checker: Checker::new(workbook, options.limit),
        port: options.port,
        book,
        note: String::new(),
        result: String::new(),
        confirm_reset: false,
    };
    let mut queued = VecDeque::new();
    // The exercise on screen. It stays after it passes, until `n`.
    let mut shown = view.progress.current(workbook).cloned();
    let mut rerun = true;
    loop {
        let Some(exercise) = shown.clone() else {
            drop(raw);
            println!(
                "Every exercise is done. Well done! The book stays at {}",
                view.book
            );
            return Ok(ExitCode::SUCCESS);
        };
        *watched.lock().expect("watched lock") = workbook.root.join(exercise.dir());
        if rerun {
            view.check(&exercise)?;
        }
        view.draw(&exercise);
        let event = match queued.pop_front() {
            Some(event) => event,
            None => rx.recv()?,
        };
        rerun = match event {
            Event::Quit | Event::Key('q') => {
                drop(raw);
                println!("Bye. Your progress is saved; `cargo xtask start` picks up here.");
                return Ok(ExitCode::SUCCESS);
            }
            Event::Changed => {
                // A hint or a reset notice stays on screen while the learner works.
                settle(&rx, &mut queued);
                true
            }
            Event::Key('n') => {
                // The last unsolved exercise stays when there is no other.
                shown = view
                    .progress
                    .next_after(workbook, &exercise)
                    .or_else(|| view.progress.current(workbook))
                    .cloned();
                view.progress.current = shown.as_ref().map(|e| e.name.clone());
                view.progress.save()?;
                view.note.clear();
                true
            }
            Event::Key(key) => view.key(key, &exercise)?,
        };
    }
}

struct View<'a> {
    workbook: &'a Workbook,
    progress: Progress,
    checker: Checker,
    port: u16,
    book: String,
    /// A hint, the progress list or a confirmation question, below the result.
    note: String,
    result: String,
    confirm_reset: bool,
}

impl<'a> View<'a> {
    fn check(&mut self, exercise: &Exercise) -> Result<()> {
        let first_ui_build = if exercise.has_ui_tests() {
            "\n(the first check of an exercise with compile checks builds them once, which takes a while)"
        } else {
            ""
        };
        self.show(&format!("Checking {}...{first_ui_build}", exercise.name));
        let started = Instant::now();
        let outcome = self.checker.run(exercise)?;
        self.progress.record_check(exercise);
        self.progress.save()?;
        let seconds = started.elapsed().as_secs_f64();
        self.result = format!("{}\n\n({seconds:.1} s)", render(&outcome));
        if matches!(outcome, Outcome::Passed { .. }) {
            let next = self.progress.pass(self.workbook, exercise);
            self.progress.save()?;
            self.note = match next {
                Some(next) => format!(
                    "Next: {} ({}/)\nRead its page first: {}\nPress n to move on.",
                    next.name,
                    next.dir().display(),
                    page_url(next, self.port)
                ),
                None => "That was the last exercise: every one is done.".to_owned(),
            };
        }
        Ok(())
    }

    /// Handles one key; returns whether the tests should run again.
    fn key(&mut self, key: char, exercise: &Exercise) -> Result<bool> {
        let confirming = std::mem::take(&mut self.confirm_reset);
        match key {
            'h' => {
                self.note = next_hint(self.workbook, &mut self.progress, exercise)?;
                Ok(false)
            }
            'l' => {
                self.note = commands::list_text(self.workbook, &self.progress);
                Ok(false)
            }
            'r' if confirming => {
                self.note = match reset_exercise(self.workbook, &mut self.progress, exercise)? {
                    Reset::AlreadyStarter => {
                        "It is already the starter: nothing to reset, nothing saved.".to_owned()
                    }
                    Reset::BackedUp(backup) => format!(
                        "Reset to the starter. Your version is saved in {}",
                        backup.display()
                    ),
                };
                Ok(true)
            }
            'r' => {
                self.confirm_reset = true;
                self.note = format!(
                    "Press r again to reset {} to its starter (your version is backed up first).",
                    exercise.name
                );
                Ok(false)
            }
            'c' | '\n' => {
                self.note.clear();
                Ok(true)
            }
            _ => Ok(false),
        }
    }

    fn draw(&self, exercise: &Exercise) {
        let done = self.progress.solved(self.workbook);
        let total = self.workbook.exercises.len();
        let mut text = format!(
            "{} · {}/ · {done}/{total} done\nPage: {}\n\n{}\n",
            exercise.name,
            exercise.dir().display(),
            page_url(exercise, self.port),
            self.result
        );
        if !self.note.is_empty() {
            text.push_str(&format!("\n{}\n", self.note));
        }
        text.push_str("\n[h] hint  [n] next  [l] list  [r] reset  [c] check again  [q] quit\n");
        self.show(&text);
    }

    /// Clears the screen and prints `text`; raw mode needs explicit `\r`.
    fn show(&self, text: &str) {
        let mut out = std::io::stdout();
        let _ = write!(out, "\x1b[2J\x1b[H{}", text.replace('\n', "\r\n"));
        let _ = out.flush();
    }
}

/// How long the files must stay quiet before a check starts. An editor's
/// save (truncate and write, or write a temporary file and rename it) is
/// a burst of events a few milliseconds apart; every millisecond waited
/// here is added to each save-to-result loop.
const QUIET: Duration = Duration::from_millis(20);

/// Lets a burst of change events (an editor writing several files) settle;
/// keys that arrive meanwhile are kept for later.
fn settle(rx: &Receiver<Event>, queued: &mut VecDeque<Event>) {
    while let Ok(event) = rx.recv_timeout(QUIET) {
        if !matches!(event, Event::Changed) {
            queued.push_back(event);
        }
    }
}

fn spawn_key_reader(tx: Sender<Event>) {
    thread::spawn(move || {
        while let Ok(event) = event::read() {
            let TermEvent::Key(KeyEvent {
                code,
                modifiers,
                kind: KeyEventKind::Press,
                ..
            }) = event
            else {
                continue;
            };
            let interrupt = modifiers.contains(KeyModifiers::CONTROL) && code == KeyCode::Char('c');
            let sent = if interrupt || code == KeyCode::Char('q') {
                // Stop a running check at once instead of after it ends.
                process::cancel_running();
                tx.send(Event::Quit)
            } else {
                match code {
                    KeyCode::Char(c) => tx.send(Event::Key(c.to_ascii_lowercase())),
                    KeyCode::Enter => tx.send(Event::Key('\n')),
                    _ => Ok(()),
                }
            };
            if sent.is_err() {
                return;
            }
        }
    });
}

/// Sends `Changed` when a file of the watched exercise changes. Notify's
/// watcher where the file system supports it, else (or with `--poll`) a
/// scan of modification times.
fn watch_files(
    workbook: &Workbook,
    watched: &Arc<Mutex<PathBuf>>,
    tx: &Sender<Event>,
    poll: bool,
) -> Result<Option<notify::RecommendedWatcher>> {
    let relevant = {
        let watched = watched.clone();
        move |path: &Path| {
            let dir = watched.lock().expect("watched lock").clone();
            path.starts_with(&dir)
                && !path
                    .components()
                    .any(|c| c.as_os_str() == "wip" || c.as_os_str() == "target")
        }
    };
    if !poll {
        let tx = tx.clone();
        let relevant = relevant.clone();
        let watcher = notify::recommended_watcher(move |event: notify::Result<notify::Event>| {
            if let Ok(event) = event
                && !event.kind.is_access()
                && event.paths.iter().any(|p| relevant(p))
            {
                let _ = tx.send(Event::Changed);
            }
        });
        if let Ok(mut watcher) = watcher
            && watcher
                .watch(
                    &workbook.root.join("exercises"),
                    notify::RecursiveMode::Recursive,
                )
                .is_ok()
        {
            return Ok(Some(watcher));
        }
    }
    let tx = tx.clone();
    let watched = watched.clone();
    thread::spawn(move || {
        let mut last = None;
        loop {
            let dir = watched.lock().expect("watched lock").clone();
            let stamp = newest_change(&dir);
            if last.is_some_and(|(d, s)| d == dir && s != stamp) && tx.send(Event::Changed).is_err()
            {
                return;
            }
            last = Some((dir, stamp));
            thread::sleep(Duration::from_millis(250));
        }
    });
    Ok(None)
}

/// The newest modification time under `dir` and the number of files.
fn newest_change(dir: &Path) -> (Option<SystemTime>, usize) {
    let files = crate::verify::scratch::files_under(dir).unwrap_or_default();
    let newest = files
        .iter()
        .filter(|p| !p.components().any(|c| c.as_os_str() == "wip"))
        .filter_map(|p| p.metadata().and_then(|m| m.modified()).ok())
        .max();
    (newest, files.len())
}

/// Raw mode for single-key input, restored when dropped (also on a panic).
struct RawMode;

impl RawMode {
    fn enable() -> Result<Self> {
        terminal::enable_raw_mode()?;
        Ok(Self)
    }
}

impl Drop for RawMode {
    fn drop(&mut self) {
        let _ = terminal::disable_raw_mode();
        println!();
    }
}
