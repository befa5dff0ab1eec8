//! The previous step's scenarios, unchanged, against this step's server
//! with a shutdown that never comes: everything the chat server did must
//! still work.

use chat_shutdown as chat;

/// Starts the server under test on the test's runtime, never shut down.
fn spawn_server(listener: tokio::net::TcpListener, hub: chat::Hub) {
    tokio::spawn(chat::serve(listener, hub, std::future::pending()));
}

include!("../../02-chat-server/tests/shared/scenarios.rs");
