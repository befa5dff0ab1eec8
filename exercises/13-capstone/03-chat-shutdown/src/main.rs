//! Runs the chat server on a TCP port until Ctrl-C, then shuts it down
//! gracefully.
//!
//! ```text
//! cargo run -p chat-shutdown            # any free port, printed
//! cargo run -p chat-shutdown -- 7878    # that port
//! ```

use chat_shutdown::{Hub, serve};
use tokio::net::TcpListener;

#[tokio::main]
async fn main() -> std::io::Result<()> {
    let port: u16 = match std::env::args().nth(1) {
        Some(arg) => arg.parse().map_err(|_| {
            std::io::Error::new(
                std::io::ErrorKind::InvalidInput,
                format!("`{arg}` is not a port number"),
            )
        })?,
        None => 0,
    };
    let listener = TcpListener::bind(("127.0.0.1", port)).await?;
    println!(
        "chat server on {} (Ctrl-C stops it)",
        listener.local_addr()?
    );
    let ctrl_c = async {
        // If the signal cannot be listened to, run until killed.
        if tokio::signal::ctrl_c().await.is_err() {
            std::future::pending::<()>().await;
        }
        println!("shutting down");
    };
    serve(listener, Hub::new(), ctrl_c).await;
    println!("every connection closed, bye");
    Ok(())
}
