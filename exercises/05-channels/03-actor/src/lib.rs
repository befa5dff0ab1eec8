//! A key-value store run by an actor: one task owns the map, and handles
//! send it requests.

use std::collections::HashMap;

use tokio::sync::mpsc;
use tokio::task::JoinHandle;

/// What the actor owns, and returns when it stops.
pub type Map = HashMap<String, String>;

/// The answer of a handle whose request got no reply: the actor has
/// stopped, or dropped the request without answering.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Gone;

// ANCHOR: contract
/// A request to the actor. Design the variants you need.
enum Command {}

/// A handle to the actor. Clone it to give the actor more clients; every
/// clone reaches the same actor and the same map.
#[derive(Clone)]
pub struct Handle {
    commands: mpsc::Sender<Command>,
}

/// Starts the actor, a tokio task that owns an empty map, and returns a
/// handle to it and the task's join handle. Its queue of requests holds at
/// most `capacity` requests (`capacity >= 1`). Call it inside a runtime.
///
/// - The actor answers each request with its own reply, in the order the
///   requests reach it.
/// - It runs as long as a handle (any clone) is alive. Once the last one
///   is dropped, it answers the requests already queued, then stops, and
///   its task returns the map.
pub fn spawn(capacity: usize) -> (Handle, JoinHandle<Map>) {
    // TODO
    let _ = capacity;
    todo!("spawn is not written yet")
}

impl Handle {
    /// Sets `key` to `value`; returns the value it had before, if any.
    pub async fn set(&self, key: &str, value: &str) -> Result<Option<String>, Gone> {
        // TODO
        let _ = (&self.commands, key, value);
        todo!("Handle::set is not written yet")
    }

    /// The value of `key`, if it has one.
    pub async fn get(&self, key: &str) -> Result<Option<String>, Gone> {
        // TODO
        let _ = (&self.commands, key);
        todo!("Handle::get is not written yet")
    }
}
// ANCHOR_END: contract
