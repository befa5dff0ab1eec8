//! Helpers shared by the test files: a hub on a paused tokio runtime, and
//! ways to read an inbox without waiting.

#![allow(dead_code)] // each test file uses a part of these

use std::ops::RangeInclusive;
use std::sync::mpsc as std_mpsc;
use std::thread;
use std::time::Duration;

use chat_rooms::{Hub, MemberId, Membership};
use tokio::sync::mpsc::Receiver;
use tokio::sync::mpsc::error::TryRecvError;
use workbook_support::on_paused_tokio;

pub const LIMIT: Duration = Duration::from_secs(5);

/// Runs `body` with a fresh hub, inside a tokio runtime (as a server's
/// tasks would call the hub), under a watchdog.
pub fn hub_test(body: impl FnOnce(Hub) + Send + 'static) {
    on_paused_tokio(LIMIT, move || async move { body(Hub::new()) });
}

/// Joins, failing the test if the hub refuses.
#[track_caller]
pub fn join(hub: &Hub, nick: &str, room: &str) -> Membership {
    match hub.join(nick, room) {
        Ok(membership) => membership,
        Err(error) => panic!(
            "join({nick:?}, {room:?}) must succeed here, it returned Err({error:?}) \
             (members of {room:?}: {:?})",
            hub.members(room)
        ),
    }
}

/// Takes every line waiting in `inbox`, without waiting for more.
pub fn lines(inbox: &mut Receiver<String>) -> Vec<String> {
    let mut lines = Vec::new();
    while let Ok(line) = inbox.try_recv() {
        lines.push(line);
    }
    lines
}

/// What the inbox says once its lines are taken: `"ended"` when every
/// sender of the queue is gone, `"open"` when one is still alive.
pub fn after_the_lines(inbox: &mut Receiver<String>) -> &'static str {
    loop {
        match inbox.try_recv() {
            Ok(_) => continue,
            Err(TryRecvError::Disconnected) => return "ended",
            Err(TryRecvError::Empty) => return "open",
        }
    }
}

/// `"line 1"`, `"line 2"`, ... as said by `nick`: what the others receive.
pub fn said(nick: &str, numbers: RangeInclusive<usize>) -> Vec<String> {
    numbers.map(|n| format!("{nick}: line {n}")).collect()
}

/// How long a plain thread may take to make a few dozen calls to the hub.
/// They take microseconds; this bound only turns a hang into a failure
/// that says what hung.
pub const CALLS_BOUND: Duration = Duration::from_secs(2);

/// Runs `calls` on a plain thread (no runtime: the hub's methods are plain
/// functions) and fails the test if they panic or do not return in time.
#[track_caller]
pub fn bounded<T: Send + 'static>(what: &str, calls: impl FnOnce() -> T + Send + 'static) -> T {
    let (done, finished) = std_mpsc::channel();
    thread::spawn(move || {
        let _ = done.send(calls());
    });
    match finished.recv_timeout(CALLS_BOUND) {
        Ok(value) => value,
        Err(std_mpsc::RecvTimeoutError::Disconnected) => panic!(
            "{what}: a call panicked (its message is above) on a plain thread. The hub's \
             methods are plain functions: they must need no runtime, and never wait"
        ),
        Err(std_mpsc::RecvTimeoutError::Timeout) => panic!(
            "{what}: a call got stuck. Likely causes: it waits for room in a member's full \
             queue (a blocking send, or a loop that tries again until there is room), or it \
             locks the hub's mutex again while holding it (a method that calls another one \
             under the lock). One slow member must never stall the others: a full queue \
             means that member is removed"
        ),
    }
}

/// `id` (of `nick`) says `"line {n}"` for each `n`, on a plain thread, bounded.
#[track_caller]
pub fn say_lines(hub: &Hub, id: MemberId, nick: &str, numbers: RangeInclusive<usize>) {
    let hub = hub.clone();
    let what = format!("{nick} said lines {numbers:?}");
    bounded(&what, move || {
        for n in numbers {
            hub.say(id, &format!("line {n}"));
        }
    });
}
