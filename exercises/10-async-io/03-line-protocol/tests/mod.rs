//! The exercise's tests, compiled into the crate by `root.rs` under
//! `cfg(test)`. Every test file is listed here.

mod line_protocol;
