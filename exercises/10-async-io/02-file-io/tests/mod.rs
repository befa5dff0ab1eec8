//! The exercise's tests, compiled into the crate by `root.rs` under
//! `cfg(test)`. Every test file is listed here.

mod common;
mod copy_all;
mod lines;
mod source;
