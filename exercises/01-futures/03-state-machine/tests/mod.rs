//! The exercise's tests, compiled into the crate by `root.rs` under
//! `cfg(test)`. Every test file is listed here.

mod brew_tea;
mod written_by_hand;
