//! Test helpers shared by the workbook's exercises.
//!
//! Exercise tests use these so that every test is deterministic and bounded:
//! futures are polled by hand with a waker that records wake-ups ([`Driver`]),
//! leaf futures follow a fixed script ([`Scripted`]), and every test body can
//! run under a watchdog ([`within`]) so a spinning or deadlocked answer fails
//! in seconds instead of hanging the terminal. trybuild's case programs run
//! under a time limit too ([`ui::check`]), and [`source::Source`] checks the
//! text of files the learner edits: that a program keeps its point, and that
//! each `unsafe` block says why it is sound. [`net`] serves tests that talk
//! to a server over loopback sockets.

mod driver;
pub mod net;
mod quiet;
mod scripted;
pub mod source;
pub mod stress;
mod trace;
pub mod ui;
pub mod unpin;
mod watchdog;

pub use driver::{Driver, Limits};
pub use scripted::Scripted;
pub use trace::Trace;
pub use watchdog::{AFTER_A_HANG, on_paused_tokio, within};
