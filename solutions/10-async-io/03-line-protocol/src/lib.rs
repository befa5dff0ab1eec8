//! A key-value server that speaks lines.
//!
//! Why this works: `serve` only accepts, and gives each connection a task
//! of its own, so a silent or misbehaving client holds up no one. The store
//! is one `HashMap` behind a `std::sync::Mutex` in an `Arc`, cloned into
//! every connection: a SET on one connection is seen by all. The lock is
//! taken and released inside `execute`, which has no `.await`, so no guard
//! is ever held while a task waits (the compiler would refuse it anyway:
//! the guard is not `Send`, and `tokio::spawn` needs a `Send` future).
//!
//! Lines are cut from a `BufReader`, but never by more than `MAX_LINE + 1`
//! bytes at a time (`take`): a line that is not over by then is too long,
//! and the server answers `ERR` at once and then skips to its newline with
//! the same bounded reads, clearing the buffer each time, so a client can
//! send gigabytes without a newline and the server holds a few kilobytes of
//! them. Bytes are checked for UTF-8 only when a whole line is there, and
//! every problem with a line becomes an `ERR` reply: nothing in a line can
//! end the connection. A read that returns 0 bytes before a newline is the
//! end of the stream: what came before it was not a whole line, so it is
//! dropped, never executed. A reply is written to a `BufWriter` in two
//! pieces (the text, then the newline) and flushed at once, so it leaves
//! in one write, before the server waits for the next request.

use std::collections::HashMap;
use std::io;
use std::sync::{Arc, Mutex};

use tokio::io::{AsyncBufReadExt, AsyncReadExt, AsyncWriteExt, BufReader, BufWriter};
use tokio::net::{TcpListener, TcpStream};

/// The longest request line the server reads, in bytes, not counting the
/// `\n` that ends it.
pub const MAX_LINE: usize = 1024;

/// The store every connection shares.
type Store = Arc<Mutex<HashMap<String, String>>>;

/// Serves the key-value protocol on `listener`, for ever; returns only if
/// accepting a connection fails.
///
/// - **Requests** are lines ending in `\n`, with words separated by one
///   space: `SET <key> <value>`, `GET <key>`, `DEL <key>`. Commands are
///   upper case, exactly as written here (`get a` is an unknown command). A
///   key is one non-empty word. A value is the rest of the line after the
///   key and the one space that follows it, spaces included, and is not
///   empty (`SET greeting hello  world ` stores `hello  world `, and
///   `SET greeting ` is answered `ERR`).
/// - **Replies**, one line per request, in order: `OK` (a SET, or a DEL
///   that removed the key), `VALUE <value>` (a GET of a key that is set),
///   `NOT_FOUND` (a GET or DEL of a key that is not), and `ERR <reason>`
///   for anything else: an unknown command, a missing or extra argument,
///   an empty line, a line that is not UTF-8. After an `ERR` the
///   connection carries on.
/// - **One store** for every connection: a key set on one connection is
///   seen on all the others.
/// - **Many clients at once**: a silent client holds up nobody, and
///   nothing one client sends ends another's connection, or `serve`.
/// - **A line longer than `MAX_LINE` bytes** is answered `ERR <reason>` as
///   soon as more than `MAX_LINE` bytes of it have arrived, without waiting
///   for its end, and is never executed. The rest of it, up to its `\n`, is
///   skipped, without being kept in memory, and the next line is served as
///   usual.
/// - **When a client closes its sending side**, every whole line it sent
///   is answered, then the server closes the connection. A last line with
///   no `\n` is not a request: it is not executed.
///
/// Call it inside a tokio runtime.
pub async fn serve(listener: TcpListener) -> io::Result<()> {
    let store = Store::default();
    loop {
        let (stream, _peer) = listener.accept().await?;
        let store = Arc::clone(&store);
        tokio::spawn(async move {
            // An I/O error ends this connection only.
            let _ = connection(stream, store).await;
        });
    }
}

/// One line from the client, as far as the server is concerned.
enum Line {
    /// A whole line, without its `\n`.
    Whole(Vec<u8>),
    /// More than `MAX_LINE` bytes without a `\n`.
    TooLong,
    /// The stream ended (a line without its `\n` is dropped).
    End,
}

async fn connection(stream: TcpStream, store: Store) -> io::Result<()> {
    let (reader, writer) = stream.into_split();
    let mut reader = BufReader::new(reader);
    let mut writer = BufWriter::new(writer);
    let mut line = Vec::with_capacity(MAX_LINE + 1);
    loop {
        let reply = match next_line(&mut reader, &mut line).await? {
            Line::End => break,
            Line::Whole(bytes) => execute(&bytes, &store),
            Line::TooLong => {
                writer.write_all(b"ERR line too long\n").await?;
                writer.flush().await?;
                if !skip_line(&mut reader, &mut line).await? {
                    break;
                }
                continue;
            }
        };
        writer.write_all(reply.as_bytes()).await?;
        writer.write_all(b"\n").await?;
        writer.flush().await?;
    }
    writer.shutdown().await
}

/// Reads the next line, holding at most `MAX_LINE + 1` bytes of it.
async fn next_line<R>(reader: &mut BufReader<R>, line: &mut Vec<u8>) -> io::Result<Line>
where
    R: tokio::io::AsyncRead + Unpin,
{
    line.clear();
    let limit = (MAX_LINE + 1) as u64;
    (&mut *reader).take(limit).read_until(b'\n', line).await?;
    Ok(match line.last() {
        Some(b'\n') => {
            line.pop();
            Line::Whole(std::mem::take(line))
        }
        _ if line.len() > MAX_LINE => Line::TooLong,
        // Fewer bytes than the limit and no newline: the stream ended.
        _ => Line::End,
    })
}

/// Skips the rest of a line, in bounded pieces. `false` if the stream
/// ended first.
async fn skip_line<R>(reader: &mut BufReader<R>, scratch: &mut Vec<u8>) -> io::Result<bool>
where
    R: tokio::io::AsyncRead + Unpin,
{
    loop {
        scratch.clear();
        let n = (&mut *reader)
            .take(MAX_LINE as u64)
            .read_until(b'\n', scratch)
            .await?;
        if scratch.last() == Some(&b'\n') {
            return Ok(true);
        }
        if n == 0 {
            return Ok(false);
        }
    }
}

/// The reply to one request line (without its `\n`).
fn execute(line: &[u8], store: &Store) -> String {
    let Ok(line) = std::str::from_utf8(line) else {
        return "ERR not UTF-8".to_owned();
    };
    let mut words = line.splitn(3, ' ');
    let command = words.next().unwrap_or_default();
    let key = words.next().filter(|key| !key.is_empty());
    let rest = words.next();
    let mut store = store
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner());
    match (command, key, rest) {
        ("GET", Some(key), None) => match store.get(key) {
            Some(value) => format!("VALUE {value}"),
            None => "NOT_FOUND".to_owned(),
        },
        ("SET", Some(key), Some(value)) if !value.is_empty() => {
            store.insert(key.to_owned(), value.to_owned());
            "OK".to_owned()
        }
        ("DEL", Some(key), None) => match store.remove(key) {
            Some(_) => "OK".to_owned(),
            None => "NOT_FOUND".to_owned(),
        },
        ("GET" | "DEL", Some(_), Some(_)) => "ERR too many arguments".to_owned(),
        ("GET" | "SET" | "DEL", _, _) => "ERR missing argument".to_owned(),
        _ => "ERR unknown command".to_owned(),
    }
}
