use tokio::io::{AsyncReadExt, AsyncWriteExt, duplex};

#[tokio::main(flavor = "current_thread")]
async fn main() {
    // A pipe that holds 8 bytes until the other side reads them.
    let (mut writer, mut reader) = duplex(8);
    let n = writer.write(b"hello, world").await.unwrap();
    println!("write returned {n}");
    drop(writer);
    let mut received = String::new();
    reader.read_to_string(&mut received).await.unwrap();
    println!("received {received:?}");
}
