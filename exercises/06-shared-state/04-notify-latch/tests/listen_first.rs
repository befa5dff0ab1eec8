//! The one race `tests/stress.rs` can hardly catch: `wait` looking at the
//! latch, then creating its `Notified`. An `open` on another thread must
//! fall between two loads a few nanoseconds apart, so the stress test sees
//! it only by luck. This test reads `wait`'s code instead: after it starts
//! listening (`notified()`), it must look at the latch (again).
#![cfg(not(miri))]

const LIB: &str = include_str!("../src/lib.rs");

/// Ways to look at the latch's state: an atomic, a lock, a helper.
const LOOKS: &[&str] = &[
    ".load(", ".lock(", ".read(", "is_open(", ".borrow(", ".get(",
];

#[test]
fn wait_looks_at_the_latch_after_it_starts_listening() {
    let Some(body) = body_of(&without_comments(LIB), "fn wait") else {
        panic!("src/lib.rs has no `fn wait`: keep the signature of `Latch::wait`");
    };
    let Some(listen) = body.find("notified()") else {
        return; // no Notify in `wait`: the behaviour tests judge it alone
    };
    let looks_after = LOOKS.iter().any(|look| body[listen..].contains(look));
    assert!(
        looks_after,
        "`wait` starts listening (`notified()`) only after it has looked at the latch, and \
         does not look again. An `open` on another thread between the look and `notified()` \
         is then missed: `notify_waiters` wakes only the `Notified`s that exist when it runs, \
         and this waiter sleeps forever. The gap is a few nanoseconds wide, so the stress \
         test rarely catches it, and this test reads the code of `wait` instead: create the \
         `Notified` first, then look at the latch."
    );
}

/// The text between the braces of the first item that starts with `head`.
fn body_of(code: &str, head: &str) -> Option<String> {
    let start = code.find(head)?;
    let open = start + code[start..].find('{')?;
    let mut depth = 0;
    for (i, c) in code[open..].char_indices() {
        match c {
            '{' => depth += 1,
            '}' => {
                depth -= 1;
                if depth == 0 {
                    return Some(code[open..open + i].to_owned());
                }
            }
            _ => {}
        }
    }
    None
}

/// `code` without `//` comments (doc comments included).
fn without_comments(code: &str) -> String {
    code.lines()
        .map(|line| line.split("//").next().unwrap_or(""))
        .collect::<Vec<_>>()
        .join("\n")
}
