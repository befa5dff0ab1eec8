//! An echo server: every byte a client sends comes back to it.

use std::io;

use tokio::net::TcpListener;

// ANCHOR: contract
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
    // TODO
    let _ = listener;
    todo!("the echo server is not written yet")
}
// ANCHOR_END: contract
