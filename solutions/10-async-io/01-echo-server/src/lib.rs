//! An echo server: every byte a client sends comes back to it.
//!
//! Why this works: `serve` only accepts; each connection gets a task of its
//! own, so a client that says nothing holds up nobody but itself, and the
//! loop is back at `accept` at once. In `echo`, each `read` returns whatever
//! has arrived, from one byte to a full buffer, and the server sends exactly
//! those bytes back at once, with `write_all`: a single `write` may take only
//! part of the buffer when the socket's send buffer is nearly full, and the
//! rest would be lost. Nothing is buffered in the server, so there is
//! nothing to flush. A read of 0 bytes is the end of the client's stream:
//! by then every byte read has been written, and `shutdown` sends the end of
//! the stream back before the task ends and drops the socket.

use std::io;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

/// Serves echo connections on `listener`, for ever.
///
/// - **Many clients at once.** Every connection is served as soon as it is
///   accepted, whatever the other clients do: one that is connected and
///   silent holds up nobody.
/// - **Echo.** Every byte a client sends comes back to that client, in
///   order, none lost or repeated, however the bytes are split into reads
///   and writes on their way (one at a time, or megabytes at once), and as
///   soon as they arrive: the server does not wait for more bytes, or for
///   the end of the stream, before it sends back what it has.
/// - **End of a connection.** When a client closes its sending side, the
///   server sends back everything it has not sent yet, then closes the
///   connection. An error on one connection ends that connection only.
/// - Returns only if accepting a connection fails.
///
/// Call it inside a tokio runtime.
pub async fn serve(listener: TcpListener) -> io::Result<()> {
    loop {
        let (stream, _peer) = listener.accept().await?;
        tokio::spawn(async move {
            // An error ends this connection only; there is no one to tell.
            let _ = echo(stream).await;
        });
    }
}

/// Echoes one connection until the client closes its sending side.
async fn echo(mut stream: TcpStream) -> io::Result<()> {
    let mut buffer = vec![0; 8 * 1024];
    loop {
        let n = stream.read(&mut buffer).await?;
        if n == 0 {
            break;
        }
        stream.write_all(&buffer[..n]).await?;
    }
    stream.shutdown().await
}
