//! The one race `tests/stress.rs` can hardly catch: `wait` looking at the
//! latch, then creating its `Notified`. An `open` on another thread must
//! fall between two loads a few nanoseconds apart, so the stress test sees
//! it only by luck. This test reads `wait`'s code instead: after it starts
//! listening (`notified()`), it must look at the latch (again), unless
//! the look and `notified()` happen under one lock guard that is still
//! held when the `Notified` is created (then `open`, which must take that
//! lock to set the state, cannot fall between them either).
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
        looks_after || listens_under_a_held_guard(&body, listen),
        "`wait` starts listening (`notified()`) only after it has looked at the latch, and \
         does not look again. An `open` on another thread between the look and `notified()` \
         is then missed: `notify_waiters` wakes only the `Notified`s that exist when it runs, \
         and this waiter sleeps forever. The gap is a few nanoseconds wide, so the stress \
         test rarely catches it, and this test reads the code of `wait` instead: create the \
         `Notified` first, then look at the latch. (Or look through a lock guard bound to a \
         name, of the lock `open` takes to set the state, and create the `Notified` before \
         that guard is dropped.)"
    );
}

/// Ways to take a lock whose guard then keeps others out.
const LOCKS: &[&str] = &[".lock()", ".read()", ".write()"];

/// Whether `body` binds a lock guard to a name (`let state =
/// self.state.lock().unwrap();`) before `listen`, and that guard is still
/// alive at `listen`: no `drop(state)` and no closing brace of its block in
/// between. Looking at the state through that guard, then creating the
/// `Notified` while still holding it, leaves no gap for `open`. A value
/// copied out of a guard (`let open = *self.state.lock().unwrap();`) is not
/// a guard: the temporary guard is gone at the end of that statement.
fn listens_under_a_held_guard(body: &str, listen: usize) -> bool {
    let before = &body[..listen];
    let mut from = 0;
    while let Some(found) = before[from..].find("let ") {
        let at = from + found;
        from = at + 4;
        let Some(end) = before[at..].find(';').map(|end| at + end) else {
            continue;
        };
        let statement = &before[at + 4..end];
        let Some((name, value)) = statement.split_once('=') else {
            continue;
        };
        let name = name.trim().trim_start_matches("mut ").trim();
        let is_name = !name.is_empty()
            && name != "_"
            && name.chars().all(|c| c.is_alphanumeric() || c == '_');
        if !is_name || !is_a_guard(value.trim()) {
            continue;
        }
        let between = &before[end..];
        let mut depth = 0i32;
        let block_ends = between.chars().any(|c| {
            match c {
                '{' => depth += 1,
                '}' => depth -= 1,
                _ => {}
            }
            depth < 0
        });
        let dropped = between.contains(&format!("drop({name})"));
        if !block_ends && !dropped {
            return true;
        }
    }
    false
}

/// Whether `value` is a lock call itself, maybe followed by `.unwrap()`,
/// `.expect(..)` or `.await`, and not a value read through it.
fn is_a_guard(value: &str) -> bool {
    LOCKS.iter().any(|lock| {
        let Some(at) = value.find(lock) else {
            return false;
        };
        if value.starts_with(['*', '&']) || value.contains(['{', '}']) {
            return false;
        }
        let mut rest = value[at + lock.len()..].trim();
        loop {
            if let Some(after) = rest.strip_prefix(".unwrap()") {
                rest = after.trim();
            } else if let Some(after) = rest.strip_prefix(".await") {
                rest = after.trim();
            } else if let Some(after) = rest.strip_prefix(".expect(") {
                match after.find(')') {
                    Some(close) => rest = after[close + 1..].trim(),
                    None => return false,
                }
            } else {
                return rest.is_empty();
            }
        }
    })
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
