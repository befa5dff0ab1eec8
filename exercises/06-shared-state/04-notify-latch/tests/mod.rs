//! The exercise's tests, compiled into the crate by `root.rs` under
//! `cfg(test)`. Every test file is listed here.

mod latch;
mod listen_first;
mod stress;
