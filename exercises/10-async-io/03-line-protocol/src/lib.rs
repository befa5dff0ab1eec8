//! A key-value server that speaks lines. The protocol is in the README.

use std::io;

use tokio::net::TcpListener;

// ANCHOR: contract
/// The longest request line the server reads, in bytes, not counting the
/// `\n` that ends it.
pub const MAX_LINE: usize = 1024;

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
    // TODO
    let _ = listener;
    todo!("the key-value server is not written yet")
}
// ANCHOR_END: contract
