//! A chat server on real sockets: the hub of the previous step, behind an
//! accept loop and two tasks per connection.
//!
//! Why this works: every connection gets a task of its own, so a client
//! that sends nothing only keeps its own task waiting. Inside it, reading
//! and writing are split: the connection's task reads lines and hands them
//! to the hub, which never waits, while a writer task drains the member's
//! inbox (and the connection's own replies) into the socket. A client that
//! stops reading therefore stalls only its own writer; its inbox fills up,
//! and the hub removes it, which ends the inbox, then the writer, and the
//! writer's end tells the reader to stop. Lines are read through
//! `LineReader`, which keeps at most `MAX_LINE` bytes of a line: past that,
//! it reports the line as too long at once and skips the rest up to the
//! newline, so no client can make the server buffer without limit. Bytes
//! are checked as UTF-8 only once a line is whole, and a bad line is
//! answered, not fatal. Whichever way the reader ends (end of stream,
//! reset, `/quit`, the writer gone), the member leaves the hub, so the
//! room is told and the nick is free again.

use tokio::io::{AsyncBufReadExt, AsyncRead, AsyncWriteExt, BufReader};
use tokio::net::tcp::OwnedWriteHalf;
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::mpsc;

mod hub;

pub use hub::{Hub, JoinError, MemberId, Membership, QUEUE_CAPACITY};

/// The longest line the server accepts, in bytes, without its newline.
pub const MAX_LINE: usize = 1024;

/// The room every member starts in.
pub const LOBBY: &str = "lobby";

/// Accepts connections on `listener` for ever, and serves each one as a
/// chat client of `hub` (see the README for the protocol).
pub async fn serve(listener: TcpListener, hub: Hub) {
    loop {
        // An error here concerns one connection that failed while it was
        // waiting to be accepted: the listener itself goes on.
        if let Ok((stream, _)) = listener.accept().await {
            tokio::spawn(connection(stream, hub.clone()));
        }
    }
}

/// One client, from its first byte to its last.
async fn connection(stream: TcpStream, hub: Hub) {
    let (read, mut write) = stream.into_split();
    let mut lines = LineReader::new(read);

    // The nick: ask until the hub takes one, or the client goes away.
    let (nick, Membership { id, inbox }) = loop {
        let reply = match lines.next().await {
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
    let writer = tokio::spawn(write_lines(write, inbox, replies_rx));
    loop {
        let line = tokio::select! {
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
    // Ends the inbox once the lines already in it are taken; and with the
    // replies' sender dropped, the writer ends after writing them.
    hub.leave(id);
    drop(replies);
    let _ = writer.await;
}

/// Writes the member's lines until its inbox ends or the socket fails;
/// dropping the write half then closes the connection.
async fn write_lines(
    mut write: OwnedWriteHalf,
    mut inbox: mpsc::Receiver<String>,
    mut replies: mpsc::Receiver<String>,
) {
    loop {
        let line = tokio::select! {
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
