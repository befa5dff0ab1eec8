use tokio::io::{AsyncReadExt, AsyncWriteExt, BufWriter, duplex};

#[tokio::main(flavor = "current_thread")]
async fn main() {
    let (socket, mut peer) = duplex(1024);
    {
        let mut writer = BufWriter::new(socket);
        writer.write_all(b"OK\n").await.unwrap();
        println!("reply written");
    } // `writer` (and the socket in it) is dropped here
    let mut received = String::new();
    peer.read_to_string(&mut received).await.unwrap();
    println!("the peer received {received:?}");
}
