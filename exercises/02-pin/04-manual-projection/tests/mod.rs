//! The exercise's tests, compiled into the crate by `root.rs` under
//! `cfg(test)`. Every test file is listed here.

mod timed;
mod timed_on_tokio;
mod unsafe_comments;
