use tokio::io::{AsyncBufReadExt, BufReader};

#[tokio::main(flavor = "current_thread")]
async fn main() {
    let bytes: &[u8] = b"ok\ncaf\xff\nafter\n";
    let mut lines = BufReader::new(bytes).lines();
    loop {
        match lines.next_line().await {
            Ok(Some(line)) => println!("line {line:?}"),
            Ok(None) => {
                println!("end");
                break;
            }
            Err(e) => println!("error: {:?}", e.kind()),
        }
    }
}
