//! A chat server on real sockets: the hub of the previous step (in
//! `src/hub.rs`, given) behind a TCP listener.

use tokio::net::TcpListener;

mod hub;

pub use hub::{Hub, JoinError, MemberId, Membership, QUEUE_CAPACITY};

/// The longest line the server accepts, in bytes, without its newline.
pub const MAX_LINE: usize = 1024;

/// The room every member starts in.
pub const LOBBY: &str = "lobby";

// ANCHOR: contract
/// Accepts connections on `listener` for ever, and serves each one as a
/// chat client of `hub`, with the protocol of the README:
///
/// - **Nick.** The client's first line is its nick. The server answers
///   `* welcome {nick}` and puts the client in the room `lobby`, or answers
///   `! nick taken` / `! invalid nick` and takes the next line as a new try.
/// - **Lines.** `/join ROOM` moves the client (answer: `* now in ROOM`, or
///   `! invalid room` for a name that would not be a valid nick); `/quit`
///   leaves and closes the connection; any other line is a message to the
///   others in the room. The hub sends the notices (`* ada joined lobby`).
/// - **Independent clients.** Clients are served at the same time: one
///   that sends nothing, or reads nothing, holds up no one else. A client
///   the hub drops as too slow gets the lines already queued for it, and
///   then its connection is closed.
/// - **Bounded lines.** A line longer than `MAX_LINE` bytes is answered
///   with `! line too long` as soon as it passes the limit, before its
///   newline arrives, and the rest of it, up to the newline, is skipped;
///   the server never holds more than `MAX_LINE` bytes of a line. A line
///   that is not UTF-8 is answered with `! invalid utf-8`. Either way the
///   connection goes on.
/// - **Gone is gone.** However a connection ends (`/quit`, closed, reset),
///   its member leaves the hub: the room is told, the nick is free again.
pub async fn serve(listener: TcpListener, hub: Hub) {
    // TODO
    let _ = (listener, hub);
    panic!("the chat server is not written yet: `serve` must accept clients and serve them")
}
// ANCHOR_END: contract
