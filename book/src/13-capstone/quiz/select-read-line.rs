use std::time::Duration;

use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
use tokio::time::{interval, sleep};

#[tokio::main(flavor = "current_thread", start_paused = true)]
async fn main() {
    let (mut client, server) = tokio::io::duplex(64);
    tokio::spawn(async move {
        client.write_all(b"hel").await.unwrap();
        sleep(Duration::from_millis(10)).await;
        client.write_all(b"lo\n").await.unwrap();
        sleep(Duration::from_millis(10)).await;
    });
    let mut reader = BufReader::new(server);
    let mut messages = interval(Duration::from_millis(4)); // other people talking
    let mut line = String::new();
    loop {
        tokio::select! {
            read = reader.read_line(&mut line) => {
                if read.unwrap() == 0 {
                    break;
                }
                println!("line: {:?}", line.trim_end());
                line.clear();
            }
            _ = messages.tick() => {} // write a message to the client
        }
    }
}
