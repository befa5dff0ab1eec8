//! The hub of a chat server: who is connected, under which nick, in which
//! room, and a bounded queue of lines waiting for each member.
//!
//! The hub does no I/O. A server gives each connection a task that calls
//! these methods and writes what arrives in its member's inbox to the
//! socket (the next exercise). Every method here is a plain function.

use tokio::sync::mpsc;

// ANCHOR: contract
/// How many lines a member's queue holds before the member counts as too
/// slow.
pub const QUEUE_CAPACITY: usize = 16;

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

/// The shared state of a chat server. Clones share the same hub, from any
/// thread or task. Design its fields yourself.
#[derive(Clone, Default)]
pub struct Hub {}

impl Hub {
    /// An empty hub.
    pub fn new() -> Self {
        Self::default()
    }

    /// Nicks: 1..=16 chars, ASCII alphanumeric, '_' or '-'; unique across
    /// the whole hub. Sends "* {nick} joined {room}" to every OTHER member
    /// of `room`.
    pub fn join(&self, nick: &str, room: &str) -> Result<Membership, JoinError> {
        // TODO
        let _ = (nick, room);
        todo!("Hub::join is not written yet")
    }

    /// Sends "{nick}: {text}" to every other member of the sender's room.
    /// Never waits: a member whose queue is full is removed from the hub
    /// (its sender dropped, so its inbox yields what it already holds and
    /// then None), and the others in that room get "* {nick} left {room}".
    /// Unknown id: does nothing.
    pub fn say(&self, id: MemberId, text: &str) {
        // TODO
        let _ = (id, text);
        todo!("Hub::say is not written yet")
    }

    /// Moves the member to another room: "* {nick} left {old}" to the old
    /// room's others, "* {nick} joined {new}" to the new room's others.
    /// Unknown id, or the room the member is already in: does nothing.
    pub fn switch(&self, id: MemberId, room: &str) {
        // TODO
        let _ = (id, room);
        todo!("Hub::switch is not written yet")
    }

    /// Removes the member: "* {nick} left {room}" to the others; frees the
    /// nick. Idempotent.
    pub fn leave(&self, id: MemberId) {
        // TODO
        let _ = id;
        todo!("Hub::leave is not written yet")
    }

    /// Nicks in `room`, sorted.
    pub fn members(&self, room: &str) -> Vec<String> {
        // TODO
        let _ = room;
        todo!("Hub::members is not written yet")
    }
}
// ANCHOR_END: contract
