//! Panic messages without a backtrace, for panics on the threads that
//! [`within`](crate::within) runs, and in tests that use the checks of
//! [`ui`](crate::ui) and [`source`](crate::source).
//!
//! With `RUST_BACKTRACE=1` in the learner's shell, Rust prints a backtrace
//! of some thirty frames after every panic message, almost all of them in
//! std, libtest and these helpers. The one line that matters, where the
//! test or the learner's code panicked, is already in the message. So on
//! the threads these helpers run, the hook prints the message and its
//! location only, and says how to get the backtrace back:
//! `WORKBOOK_BACKTRACE=1`. Every other panic, and every panic when no
//! backtrace was asked for, goes to the hook that was there before,
//! unchanged.

use std::cell::Cell;
use std::env;
use std::panic::{self, PanicHookInfo};
use std::sync::Once;
use std::thread;

thread_local! {
    static QUIET: Cell<bool> = const { Cell::new(false) };
}

/// Panics on the current thread are printed without a backtrace.
pub(crate) fn mark_this_thread() {
    QUIET.with(|quiet| quiet.set(true));
}

/// Installs the hook, once per process, in front of the one already there.
pub(crate) fn install() {
    static INSTALL: Once = Once::new();
    INSTALL.call_once(|| {
        let previous = panic::take_hook();
        panic::set_hook(Box::new(move |info| {
            if QUIET.with(Cell::get) && backtrace_requested() && !wants_backtrace() {
                print_without_backtrace(info);
            } else {
                previous(info);
            }
        }));
    });
}

/// Whether std would print a backtrace: `RUST_BACKTRACE` set, and not `0`.
fn backtrace_requested() -> bool {
    env::var_os("RUST_BACKTRACE").is_some_and(|value| value != "0")
}

/// The way back to std's backtraces on these threads.
fn wants_backtrace() -> bool {
    env::var_os("WORKBOOK_BACKTRACE").is_some_and(|value| value != "0")
}

fn print_without_backtrace(info: &PanicHookInfo<'_>) {
    let thread = thread::current();
    let name = thread.name().unwrap_or("<unnamed>");
    let message = info
        .payload_as_str()
        .unwrap_or("Box<dyn Any> (a panic without a message)");
    let location = info
        .location()
        .map(|at| format!(" at {}:{}:{}", at.file(), at.line(), at.column()))
        .unwrap_or_default();
    // `eprintln!` goes to libtest's captured output, as std's hook does.
    eprintln!(
        "\nthread '{name}' panicked{location}:\n{message}\n\
         note: backtrace left out, so it does not bury the message above; \
         set WORKBOOK_BACKTRACE=1 to see it"
    );
}
