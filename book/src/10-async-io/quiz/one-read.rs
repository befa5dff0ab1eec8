use std::time::Duration;

use tokio::io::{AsyncReadExt, AsyncWriteExt, duplex};
use tokio::time::sleep;

#[tokio::main(flavor = "current_thread", start_paused = true)]
async fn main() {
    let (mut client, mut server) = duplex(1024);
    tokio::spawn(async move {
        client.write_all(b"GET ").await.unwrap();
        sleep(Duration::from_millis(1)).await; // the rest is a little late
        client.write_all(b"colour\n").await.unwrap();
    });
    let mut buffer = [0; 1024];
    let n = server.read(&mut buffer).await.unwrap();
    println!("{n} bytes: {:?}", String::from_utf8_lossy(&buffer[..n]));
}
