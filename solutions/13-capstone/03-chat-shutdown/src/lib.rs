//! The chat server of the previous step, with a graceful shutdown.
//!
//! Why this works: the shutdown happens in two phases, and the second
//! starts only when the first is over everywhere. First, every connection
//! stops reading: the accept loop ends and drops the listener, and each
//! connection's reader, which races its next line against the request to
//! stop, gives up its line (a line not yet whole was never accepted). A
//! `TaskTracker` token held by each reader tells `serve` when the last one
//! stopped; from then on nobody calls the hub, so what sits in each inbox
//! is final. Then the writers are told to drain: each takes every line left
//! in its inbox without waiting, writes them in order, writes the goodbye
//! last, and ends, which closes its connection. Nothing is aborted, so no
//! line that the hub accepted is lost, and nothing waits for a client to
//! speak, so `serve` returns as soon as the last connection task ends: the
//! tracker of connection tasks says when. Each connection leaves the hub on
//! its way out, so the hub is empty when `serve` returns.

use tokio::io::{AsyncBufReadExt, AsyncRead, AsyncWriteExt, BufReader};
use tokio::net::tcp::OwnedWriteHalf;
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::mpsc;
use tokio_util::sync::CancellationToken;
use tokio_util::task::TaskTracker;
use tokio_util::task::task_tracker::TaskTrackerToken;

// The hub of the first step, given: the same file as in the previous
// step's crate.
#[path = "../../02-chat-server/src/hub.rs"]
mod hub;

pub use hub::{Hub, JoinError, MemberId, Membership, QUEUE_CAPACITY};

/// The longest line the server accepts, in bytes, without its newline.
pub const MAX_LINE: usize = 1024;

/// The room every member starts in.
pub const LOBBY: &str = "lobby";

/// The last line every client gets when the server shuts down.
pub const GOODBYE: &str = "* server shutting down, goodbye";

/// Serves chat clients of `hub` on `listener`, as the previous step did,
/// until `shutdown` completes; then shuts down gracefully (see the README).
pub async fn serve(listener: TcpListener, hub: Hub, shutdown: impl Future<Output = ()>) {
    let stop_reading = CancellationToken::new();
    let drain = CancellationToken::new();
    let reading = TaskTracker::new();
    let connections = TaskTracker::new();
    let mut shutdown = std::pin::pin!(shutdown);
    loop {
        tokio::select! {
            biased;
            () = &mut shutdown => break,
            accepted = listener.accept() => {
                // An error concerns one connection that failed while it
                // waited to be accepted: the listener itself goes on.
                if let Ok((stream, _)) = accepted {
                    let signals = Signals {
                        stop_reading: stop_reading.clone(),
                        drain: drain.clone(),
                        reading: reading.token(),
                    };
                    connections.spawn(connection(stream, hub.clone(), signals));
                }
            }
        }
    }
    drop(listener);
    // Phase 1: no connection reads any more, so nobody calls the hub.
    stop_reading.cancel();
    reading.close();
    reading.wait().await;
    // Phase 2: every writer writes what its inbox holds, then the goodbye.
    drain.cancel();
    connections.close();
    connections.wait().await;
}

/// What a connection hears from `serve` about the shutdown.
struct Signals {
    /// Stop reading lines.
    stop_reading: CancellationToken,
    /// Every connection stopped reading: write what is queued, then goodbye.
    drain: CancellationToken,
    /// Held while this connection may still call the hub.
    reading: TaskTrackerToken,
}

/// One client, from its first byte to its last.
async fn connection(stream: TcpStream, hub: Hub, signals: Signals) {
    let Signals {
        stop_reading,
        drain,
        reading,
    } = signals;
    let (read, mut write) = stream.into_split();
    let mut lines = LineReader::new(read);

    // The nick: ask until the hub takes one, or the client goes away.
    let (nick, Membership { id, inbox }) = loop {
        let line = tokio::select! {
            biased;
            () = stop_reading.cancelled() => {
                let _ = send(&mut write, GOODBYE).await;
                return;
            }
            line = lines.next() => line,
        };
        let reply = match line {
            Some(Line::Text(nick)) => match hub.join(&nick, LOBBY) {
                Ok(membership) => break (nick, membership),
                Err(JoinError::NickTaken) => "! nick taken",
                Err(JoinError::InvalidNick) => "! invalid nick",
            },
            Some(Line::TooLong) => "! line too long",
            Some(Line::NotUtf8) => "! invalid utf-8",
            None => return,
        };
        if send(&mut write, reply).await.is_err() {
            return;
        }
    };
    // Written before the writer starts, so it comes before any chat line.
    if send(&mut write, &format!("* welcome {nick}"))
        .await
        .is_err()
    {
        hub.leave(id);
        return;
    }

    let (replies, replies_rx) = mpsc::channel(4);
    let writer = tokio::spawn(write_lines(write, inbox, replies_rx, drain));
    loop {
        let line = tokio::select! {
            biased;
            () = stop_reading.cancelled() => break,
            line = lines.next() => line,
            // The writer is gone: the hub removed this member, or the
            // socket failed. Nothing said here could reach anyone.
            () = replies.closed() => break,
        };
        let reply = match line {
            None => break,
            Some(Line::Text(text)) if text == "/quit" => break,
            Some(Line::Text(text)) => match text.strip_prefix("/join ") {
                Some(room) if valid_room(room) => {
                    hub.switch(id, room);
                    format!("* now in {room}")
                }
                Some(_) => "! invalid room".to_owned(),
                None => {
                    hub.say(id, &text);
                    continue;
                }
            },
            Some(Line::TooLong) => "! line too long".to_owned(),
            Some(Line::NotUtf8) => "! invalid utf-8".to_owned(),
        };
        if replies.send(reply).await.is_err() {
            break;
        }
    }
    drop(reading);
    drop(replies);
    if !stop_reading.is_cancelled() {
        // Ends the inbox once the lines already in it are taken, and so
        // the writer.
        hub.leave(id);
    }
    // At a shutdown, the writer ends after the drain and the goodbye.
    let _ = writer.await;
    hub.leave(id);
}

/// Writes the member's lines until its inbox ends or the socket fails, or,
/// once told to drain, until its inbox and replies are empty, and then the
/// goodbye; dropping the write half then closes the connection.
async fn write_lines(
    mut write: OwnedWriteHalf,
    mut inbox: mpsc::Receiver<String>,
    mut replies: mpsc::Receiver<String>,
    drain: CancellationToken,
) {
    loop {
        let line = tokio::select! {
            () = drain.cancelled() => {
                let _ = drain_into(&mut write, &mut inbox, &mut replies).await;
                return;
            }
            line = inbox.recv() => match line {
                Some(line) => line,
                None => break,
            },
            // Disabled once the reader is done: then only the inbox is left.
            Some(line) = replies.recv() => line,
        };
        if send(&mut write, &line).await.is_err() {
            break;
        }
    }
}

/// Writes every line left in the queues, without waiting for more, then
/// the goodbye.
async fn drain_into(
    write: &mut OwnedWriteHalf,
    inbox: &mut mpsc::Receiver<String>,
    replies: &mut mpsc::Receiver<String>,
) -> std::io::Result<()> {
    while let Ok(line) = replies.try_recv() {
        send(write, &line).await?;
    }
    while let Ok(line) = inbox.try_recv() {
        send(write, &line).await?;
    }
    send(write, GOODBYE).await
}

async fn send(write: &mut OwnedWriteHalf, line: &str) -> std::io::Result<()> {
    write.write_all(format!("{line}\n").as_bytes()).await
}

/// Rooms are named like nicks: 1 to 16 ASCII letters, digits, `_` or `-`.
fn valid_room(room: &str) -> bool {
    (1..=16).contains(&room.len())
        && room
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-')
}

/// What a client sent, one line at a time.
#[derive(Debug, PartialEq, Eq)]
enum Line {
    /// A line of at most `MAX_LINE` bytes of UTF-8, without its newline
    /// (nor a `\r` before it).
    Text(String),
    /// More than `MAX_LINE` bytes without a newline; the rest of the line
    /// is skipped.
    TooLong,
    /// A line whose bytes are not UTF-8.
    NotUtf8,
}

/// Splits a byte stream into lines, keeping at most `MAX_LINE` bytes.
struct LineReader<R> {
    inner: BufReader<R>,
    line: Vec<u8>,
    /// In the middle of a line already reported as too long.
    skipping: bool,
}

impl<R: AsyncRead + Unpin> LineReader<R> {
    fn new(read: R) -> Self {
        LineReader {
            inner: BufReader::new(read),
            line: Vec::new(),
            skipping: false,
        }
    }

    /// The next line, or `None` at the end of the stream (or when the
    /// connection failed). A line cut off by the end of the stream is
    /// dropped. Cancel-safe: what was read so far stays in `self`.
    async fn next(&mut self) -> Option<Line> {
        loop {
            let Ok(bytes) = self.inner.fill_buf().await else {
                return None;
            };
            if bytes.is_empty() {
                return None;
            }
            let newline = bytes.iter().position(|&b| b == b'\n');
            let taken = newline.unwrap_or(bytes.len());
            if self.skipping {
                // Throw the rest of the long line away, up to its newline.
                self.skipping = newline.is_none();
                self.inner.consume(newline.map_or(taken, |at| at + 1));
                continue;
            }
            if self.line.len() + taken > MAX_LINE {
                self.line.clear();
                self.skipping = newline.is_none();
                self.inner.consume(newline.map_or(taken, |at| at + 1));
                return Some(Line::TooLong);
            }
            self.line.extend_from_slice(&bytes[..taken]);
            let Some(at) = newline else {
                self.inner.consume(taken);
                continue;
            };
            self.inner.consume(at + 1);
            let mut line = std::mem::take(&mut self.line);
            if line.last() == Some(&b'\r') {
                line.pop();
            }
            return Some(match String::from_utf8(line) {
                Ok(text) => Line::Text(text),
                Err(_) => Line::NotUtf8,
            });
        }
    }
}
