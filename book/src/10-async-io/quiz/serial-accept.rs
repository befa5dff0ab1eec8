use std::time::Duration;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::time::timeout;

#[tokio::main(flavor = "current_thread")]
async fn main() {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move {
        loop {
            let (mut stream, _) = listener.accept().await.unwrap();
            // Echo this client until it leaves.
            let mut buffer = [0; 64];
            while let Ok(n @ 1..) = stream.read(&mut buffer).await {
                stream.write_all(&buffer[..n]).await.unwrap();
            }
        }
    });

    let first = TcpStream::connect(addr).await.unwrap(); // connects, says nothing
    let mut second = TcpStream::connect(addr).await.unwrap();
    println!("both connected");
    second.write_all(b"hi").await.unwrap();
    let mut echo = [0; 2];
    let answered = timeout(Duration::from_millis(300), second.read_exact(&mut echo)).await;
    println!("echo while the first is connected: {}", answered.is_ok());
    drop(first);
    second.read_exact(&mut echo).await.unwrap();
    println!(
        "echo once the first has left: {}",
        String::from_utf8_lossy(&echo)
    );
}
