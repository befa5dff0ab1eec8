//! The one check on the text of `src/lib.rs`: no blocking file calls.
#![cfg(not(miri))]

use workbook_support::source::Source;

const WHY: &str = "A `std::fs` call blocks the thread that makes it until the system call \
    returns: in async code, that is a runtime thread, and every other task on it waits. Do \
    every file operation through the async API this chapter teaches.";

#[test]
fn uses_no_blocking_file_calls() {
    let source = Source::new("src/lib.rs", include_str!("../src/lib.rs"));
    source.never_uses("std::fs", WHY);

    // `use std::{fs, io}` names the module without writing `std::fs`.
    let code: String = include_str!("../src/lib.rs")
        .lines()
        .filter(|line| !line.trim_start().starts_with("//"))
        .flat_map(str::split_whitespace)
        .collect();
    for (at, _) in code.match_indices("std::{") {
        let group = &code[at + "std::".len()..];
        let mut depth = 0;
        let end = group
            .char_indices()
            .find_map(|(i, c)| {
                match c {
                    '{' => depth += 1,
                    '}' => depth -= 1,
                    _ => {}
                }
                (depth == 0).then_some(i + 1)
            })
            .unwrap_or(group.len());
        let group = &group[..end];
        let imports_fs = group
            .split([',', '{', '}'])
            .any(|item| item == "fs" || item.starts_with("fs::") || item.starts_with("fsas"));
        assert!(
            !imports_fs,
            "src/lib.rs imports `fs` from std in `use std::{group}`.\n{WHY}"
        );
    }
}
