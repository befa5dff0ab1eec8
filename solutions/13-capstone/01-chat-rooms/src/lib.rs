//! The hub of a chat server: who is connected, under which nick, in which
//! room, and a bounded queue of lines waiting for each member.
//!
//! Why this works: the whole state sits behind one `std::sync::Mutex`,
//! and no method is `async`, so no lock is ever held across an `.await`:
//! each method locks, changes the maps, hands lines to the queues and
//! unlocks, in microseconds. Handing a line over is `try_send` on a bounded
//! channel of `QUEUE_CAPACITY` lines, which never waits: it either puts the
//! line in the queue or says at once that the queue is full (or that its
//! receiver is gone). A member in that state is removed on the spot;
//! removing it drops its `Sender`, the only one, so its inbox gives back
//! the lines it already holds and then `None`, and its connection can end.
//! The others in its room are told that it left, and since telling them
//! may find another full queue, removals are worked off from a list until
//! none is left. One slow reader thus costs the others nothing, and every
//! queue stays bounded. Lines go to the sender's room only, and never back
//! to the sender; nicks are checked against the whole hub and freed when
//! their member is removed, however that happens.

use std::collections::{HashMap, VecDeque};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};

use tokio::sync::mpsc;

/// How many lines a member's queue holds before the member counts as too
/// slow.
pub const QUEUE_CAPACITY: usize = 16;

/// The longest nick `join` accepts, in characters.
const MAX_NICK: usize = 16;

/// Names one member of a hub, from its `join` to its removal.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct MemberId(u64);

/// Why `join` refused a nick.
#[derive(Debug, PartialEq, Eq)]
pub enum JoinError {
    /// Another member of the hub, in any room, has this nick.
    NickTaken,
    /// The nick is empty, longer than 16 characters, or has a character
    /// other than an ASCII letter, digit, `_` or `-`.
    InvalidNick,
}

/// What `join` hands back: the member's id and the receiving end of its
/// queue.
pub struct Membership {
    /// The id to pass to `say`, `switch` and `leave`.
    pub id: MemberId,
    /// The lines for this member, in the order the hub queued them. It
    /// yields `None` once the member has been removed and the lines already
    /// queued were received.
    pub inbox: mpsc::Receiver<String>,
}

/// One member: its nick, its room and the sending end of its queue.
struct Member {
    nick: String,
    room: String,
    queue: mpsc::Sender<String>,
}

#[derive(Default)]
struct State {
    next_id: u64,
    members: HashMap<MemberId, Member>,
}

/// The shared state of a chat server. Clones share the same hub.
#[derive(Clone, Default)]
pub struct Hub {
    state: Arc<Mutex<State>>,
}

impl Hub {
    /// An empty hub.
    pub fn new() -> Self {
        Self::default()
    }

    fn lock(&self) -> MutexGuard<'_, State> {
        // Nothing panics while the lock is held, but if something did, the
        // maps would still be consistent: keep serving.
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Nicks: 1..=16 chars, ASCII alphanumeric, '_' or '-'; unique across
    /// the whole hub. Sends "* {nick} joined {room}" to every OTHER member
    /// of `room`.
    pub fn join(&self, nick: &str, room: &str) -> Result<Membership, JoinError> {
        let valid = (1..=MAX_NICK).contains(&nick.len())
            && nick
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-');
        if !valid {
            return Err(JoinError::InvalidNick);
        }
        let mut state = self.lock();
        if state.members.values().any(|member| member.nick == nick) {
            return Err(JoinError::NickTaken);
        }
        let id = MemberId(state.next_id);
        state.next_id += 1;
        let (queue, inbox) = mpsc::channel(QUEUE_CAPACITY);
        state.members.insert(
            id,
            Member {
                nick: nick.to_owned(),
                room: room.to_owned(),
                queue,
            },
        );
        state.broadcast(room, id, format!("* {nick} joined {room}"));
        Ok(Membership { id, inbox })
    }

    /// Sends "{nick}: {text}" to every other member of the sender's room.
    /// Never waits: a member whose queue is full is removed from the hub
    /// (its sender dropped, so its inbox yields what it already holds and
    /// then None), and the others in that room get "* {nick} left {room}".
    /// Unknown id: does nothing.
    pub fn say(&self, id: MemberId, text: &str) {
        let mut state = self.lock();
        let Some(member) = state.members.get(&id) else {
            return;
        };
        let room = member.room.clone();
        let line = format!("{}: {text}", member.nick);
        state.broadcast(&room, id, line);
    }

    /// Moves the member to another room: "* {nick} left {old}" to the old
    /// room's others, "* {nick} joined {new}" to the new room's others.
    /// Unknown id, or the room the member is already in: does nothing.
    pub fn switch(&self, id: MemberId, room: &str) {
        let mut state = self.lock();
        let Some(member) = state.members.get_mut(&id) else {
            return;
        };
        if member.room == room {
            return;
        }
        let old = std::mem::replace(&mut member.room, room.to_owned());
        let nick = member.nick.clone();
        state.broadcast(&old, id, format!("* {nick} left {old}"));
        state.broadcast(room, id, format!("* {nick} joined {room}"));
    }

    /// Removes the member: "* {nick} left {room}" to the others; frees the
    /// nick. Idempotent.
    pub fn leave(&self, id: MemberId) {
        let mut state = self.lock();
        if let Some(member) = state.members.remove(&id) {
            let Member { nick, room, .. } = member;
            let line = format!("* {nick} left {room}");
            state.broadcast(&room, id, line);
        }
    }

    /// Nicks in `room`, sorted.
    pub fn members(&self, room: &str) -> Vec<String> {
        let state = self.lock();
        let mut nicks: Vec<String> = state
            .members
            .values()
            .filter(|member| member.room == room)
            .map(|member| member.nick.clone())
            .collect();
        nicks.sort();
        nicks
    }
}

impl State {
    /// Queues `line` for every member of `room` but `except`, without
    /// waiting. A member whose queue is full, or whose inbox is gone, is
    /// removed, and its room is told; that notice may remove more members.
    fn broadcast(&mut self, room: &str, except: MemberId, line: String) {
        let mut pending = VecDeque::from([(room.to_owned(), except, line)]);
        while let Some((room, except, line)) = pending.pop_front() {
            let stuck: Vec<MemberId> = self
                .members
                .iter()
                .filter(|(id, member)| **id != except && member.room == room)
                .filter(|(_, member)| member.queue.try_send(line.clone()).is_err())
                .map(|(id, _)| *id)
                .collect();
            for id in stuck {
                // Dropping the member drops the only sender of its queue.
                if let Some(Member { nick, room, .. }) = self.members.remove(&id) {
                    let notice = format!("* {nick} left {room}");
                    pending.push_back((room, id, notice));
                }
            }
        }
    }
}
