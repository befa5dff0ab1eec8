use std::time::Duration;

use tokio::io::{AsyncReadExt, AsyncWriteExt, duplex};
use tokio::time::timeout;

#[tokio::main(flavor = "current_thread", start_paused = true)]
async fn main() {
    let (mut client, mut server) = duplex(1024);
    tokio::spawn(async move {
        // The request is everything the client sends.
        let mut request = Vec::new();
        server.read_to_end(&mut request).await.unwrap();
        server
            .write_all(&request.to_ascii_uppercase())
            .await
            .unwrap();
    });

    client.write_all(b"ping").await.unwrap();
    let mut reply = String::new();
    match timeout(Duration::from_secs(5), client.read_to_string(&mut reply)).await {
        Ok(_) => println!("reply: {reply}"),
        Err(_) => println!("no reply after 5 s"),
    }
}
