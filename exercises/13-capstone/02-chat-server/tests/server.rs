//! The chat server, tested with real clients on loopback sockets. The
//! scenarios live in `shared/scenarios.rs`, which the next step's tests
//! include too.

use chat_server as chat;

/// Starts the server under test on the test's runtime.
fn spawn_server(listener: tokio::net::TcpListener, hub: chat::Hub) {
    tokio::spawn(chat::serve(listener, hub));
}

include!("shared/scenarios.rs");
