//! A key-value store run by an actor: one task owns the map, and handles
//! send it requests.
//!
//! Why this works: only the actor's task touches the map, so there is no
//! lock and no data race; requests arrive one at a time through the mpsc
//! channel, in the order they were queued. Each request carries a oneshot
//! sender made for it alone, so a reply can only reach the caller that
//! asked, however many clones send at once. The handles hold the only
//! `Sender`s of the request channel (the actor holds none), so `recv`
//! returns `None` exactly when the last handle is gone and the queue is
//! empty: the loop ends, after the queued requests are answered, and the
//! task returns the map. A reply that cannot be sent (the caller left) is
//! ignored; a request or reply that does not arrive becomes `Err(Gone)`.

use std::collections::HashMap;

use tokio::sync::{mpsc, oneshot};
use tokio::task::JoinHandle;

/// What the actor owns, and returns when it stops.
pub type Map = HashMap<String, String>;

/// The answer of a handle whose request got no reply: the actor has
/// stopped, or dropped the request without answering.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Gone;

/// A request to the actor. Each carries the sender of its reply.
enum Command {
    Set {
        key: String,
        value: String,
        reply: oneshot::Sender<Option<String>>,
    },
    Get {
        key: String,
        reply: oneshot::Sender<Option<String>>,
    },
}

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
    let (commands, mut requests) = mpsc::channel(capacity);
    let actor = tokio::spawn(async move {
        let mut map = Map::new();
        // `None` once every handle is dropped and the queue is empty.
        while let Some(command) = requests.recv().await {
            match command {
                Command::Set { key, value, reply } => {
                    let _ = reply.send(map.insert(key, value));
                }
                Command::Get { key, reply } => {
                    let _ = reply.send(map.get(&key).cloned());
                }
            }
        }
        map
    });
    (Handle { commands }, actor)
}

impl Handle {
    /// Sets `key` to `value`; returns the value it had before, if any.
    pub async fn set(&self, key: &str, value: &str) -> Result<Option<String>, Gone> {
        let (reply, response) = oneshot::channel();
        let command = Command::Set {
            key: key.to_owned(),
            value: value.to_owned(),
            reply,
        };
        self.request(command, response).await
    }

    /// The value of `key`, if it has one.
    pub async fn get(&self, key: &str) -> Result<Option<String>, Gone> {
        let (reply, response) = oneshot::channel();
        let command = Command::Get {
            key: key.to_owned(),
            reply,
        };
        self.request(command, response).await
    }

    /// Queues `command` (waiting while the queue is full) and waits for its reply.
    async fn request<T>(
        &self,
        command: Command,
        response: oneshot::Receiver<T>,
    ) -> Result<T, Gone> {
        self.commands.send(command).await.map_err(|_| Gone)?;
        response.await.map_err(|_| Gone)
    }
}
