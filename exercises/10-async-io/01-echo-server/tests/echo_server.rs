use std::net::SocketAddr;
use std::time::Duration;

use echo_server::serve;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;
use tokio::net::tcp::{OwnedReadHalf, OwnedWriteHalf};
use workbook_support::net::{
    LineClient, REPLY_WAIT, bind, connect_with_small_receive_buffer, expect_served, on_tokio,
    reset, send_while_reading,
};

const LIMIT: Duration = Duration::from_secs(10);

/// Starts `serve` on a fresh loopback port, in a task of the test's own
/// runtime (dropped, with every connection, when the test ends).
async fn start() -> SocketAddr {
    let (listener, addr) = bind().await;
    tokio::spawn(serve(listener));
    addr
}

async fn connect(addr: SocketAddr) -> TcpStream {
    let stream = tokio::time::timeout(REPLY_WAIT, TcpStream::connect(addr))
        .await
        .expect("connecting to the server timed out")
        .expect("connect to the server");
    stream.set_nodelay(true).expect("set TCP_NODELAY");
    stream
}

/// How a read of the echo ended.
enum Echo {
    /// `want` bytes arrived.
    Whole(Vec<u8>),
    /// The server closed the connection after these bytes.
    Closed(Vec<u8>),
    /// Nothing more came for `REPLY_WAIT` after these bytes.
    Stalled(Vec<u8>),
}

/// Reads until `want` bytes have arrived, the server closes, or nothing
/// comes for `REPLY_WAIT`.
async fn read_echo(reader: &mut OwnedReadHalf, want: usize) -> Echo {
    let mut got = Vec::with_capacity(want);
    let mut chunk = vec![0; 64 * 1024];
    while got.len() < want {
        let room = chunk.len().min(want - got.len());
        match tokio::time::timeout(REPLY_WAIT, reader.read(&mut chunk[..room])).await {
            Err(_) => return Echo::Stalled(got),
            Ok(Ok(0)) | Ok(Err(_)) => return Echo::Closed(got),
            Ok(Ok(n)) => got.extend_from_slice(&chunk[..n]),
        }
    }
    Echo::Whole(got)
}

/// Shows bytes in a message, shortened when there are many.
fn show(bytes: &[u8]) -> String {
    if bytes.len() <= 64 {
        format!("{:?}", String::from_utf8_lossy(bytes))
    } else {
        format!("{} bytes", bytes.len())
    }
}

#[test]
fn echoes_a_line() {
    on_tokio(LIMIT, || async {
        let addr = start().await;
        let mut client = LineClient::connect("alice", addr).await;
        client.send_line("hello, echo").await;
        match client.try_recv_line().await {
            Ok(Some(line)) => {
                assert_eq!(line, "hello, echo", "the echo differs from what was sent")
            }
            Ok(None) => panic!(
                "the client sent `hello, echo` and a newline; the server closed the connection \
                 without echoing a whole line"
            ),
            Err(waited) => panic!(
                "the client sent `hello, echo` and a newline, and no echo of it came back in \
                 {waited:?}. Does the server wait for a full buffer, or for the end of the \
                 stream, before it answers? Send back what each read returns, at once."
            ),
        }
    });
}

/// Writes `bytes` one byte per write, yielding between them, so the server
/// reads them in many small pieces.
async fn send_bytewise(writer: &mut OwnedWriteHalf, bytes: &[u8]) {
    for byte in bytes {
        // A server that closed the connection early is reported by the
        // reads that follow.
        if writer.write_all(&[*byte]).await.is_err() {
            return;
        }
        tokio::task::yield_now().await;
    }
}

#[test]
fn echoes_bytes_that_arrive_one_at_a_time() {
    on_tokio(LIMIT, || async {
        let addr = start().await;
        let (mut reader, mut writer) = connect(addr).await.into_split();
        let sent = b"sent one byte per write\n";
        send_bytewise(&mut writer, sent).await;
        match read_echo(&mut reader, sent.len()).await {
            Echo::Whole(got) => assert_eq!(
                show(&got),
                show(sent),
                "the echo differs from what was sent one byte at a time"
            ),
            Echo::Closed(got) => panic!(
                "the client sent {} one byte per write; the server echoed {} and then closed \
                 the connection. One read returns what has arrived so far, maybe one byte, \
                 not a whole message: keep reading until the client closes its side.",
                show(sent),
                show(&got)
            ),
            Echo::Stalled(got) => panic!(
                "the client sent {} one byte per write; the server echoed {} and then nothing \
                 for {REPLY_WAIT:?}. Does it wait for a full buffer, a whole line, or the end \
                 of the stream before it answers? Send back what each read returns, at once.",
                show(sent),
                show(&got)
            ),
        }
    });
}

#[test]
fn serves_a_second_client_while_the_first_is_idle() {
    on_tokio(LIMIT, || async {
        let addr = start().await;
        let mut first = LineClient::connect("first", addr).await;
        first.send_line("I am here").await;
        first.recv_line("the echo of its first line").await;
        // `first` stays connected and says nothing more.
        let mut second = LineClient::connect("second", addr).await;
        second.send_line("me too").await;
        match second.try_recv_line().await {
            Ok(Some(line)) => assert_eq!(line, "me too", "the second client's echo is wrong"),
            Ok(None) => panic!("the server closed the second client's connection without an echo"),
            Err(waited) => panic!(
                "the second client got no echo in {waited:?} while the first one was connected \
                 and silent: the server is still busy with the first connection. Serve each \
                 connection in a task of its own, and go back to accepting at once."
            ),
        }
        first.send_line("still here").await;
        let line = first.recv_line("the echo of its second line").await;
        assert_eq!(
            line, "still here",
            "the first client's second echo is wrong"
        );
    });
}

#[test]
fn each_of_many_clients_gets_its_own_bytes_back() {
    on_tokio(LIMIT, || async {
        let addr = start().await;
        let mut clients = Vec::new();
        for n in 0..20 {
            clients.push(LineClient::connect(format!("client {n}"), addr).await);
        }
        for round in 0..3 {
            for client in &mut clients {
                let line = format!("{} says {round}", client.name());
                client.send_line(&line).await;
            }
            for client in clients.iter_mut().rev() {
                let want = format!("{} says {round}", client.name());
                let got = client.recv_line("its own echo").await;
                assert_eq!(
                    got,
                    want,
                    "{} received someone else's bytes (or its own, out of order)",
                    client.name()
                );
            }
        }
    });
}

#[test]
fn echoes_everything_then_closes_after_the_client_closes_its_side() {
    on_tokio(LIMIT, || async {
        let addr = start().await;
        let (mut reader, mut writer) = connect(addr).await.into_split();
        let sent = payload(200_000);
        // Sent from a task of its own while this one reads, so that
        // neither side waits for the other to make room.
        let sending = {
            let sent = sent.clone();
            tokio::spawn(async move {
                // A server that closes early makes these fail; the reads
                // below report it.
                if writer.write_all(&sent).await.is_ok() {
                    // Half-close: the server reads the end of the stream,
                    // and this client can still read the replies.
                    let _ = writer.shutdown().await;
                }
            })
        };
        let got = match read_echo(&mut reader, sent.len()).await {
            Echo::Whole(got) => got,
            Echo::Closed(got) => panic!(
                "the client sent {} bytes and closed its sending side; the server closed the \
                 connection after echoing only {}. Bytes read but not yet sent back were lost: \
                 write (and flush) all of them before the connection is closed.",
                sent.len(),
                got.len()
            ),
            Echo::Stalled(got) => panic!(
                "the client sent {} bytes and closed its sending side; the server echoed {} \
                 and then nothing for {REPLY_WAIT:?}. Bytes still sitting in a buffer of the \
                 server are never sent: flush what you write.",
                sent.len(),
                got.len()
            ),
        };
        assert!(
            got == sent,
            "the echo differs from what was sent, from byte {}",
            first_difference(&got, &sent)
        );
        let mut rest = Vec::new();
        match tokio::time::timeout(REPLY_WAIT, reader.read_to_end(&mut rest)).await {
            Err(_) => panic!(
                "the server echoed everything but kept the connection open for {REPLY_WAIT:?} \
                 after the client closed its side. A read of 0 bytes is the end of the stream: \
                 then finish writing and close the connection."
            ),
            Ok(_) => assert!(
                rest.is_empty(),
                "the server sent {} bytes more than it received",
                rest.len()
            ),
        }
        sending.await.expect("the sending task");
    });
}

#[test]
fn echoes_megabytes_intact_while_the_client_is_still_sending() {
    on_tokio(LIMIT, || async {
        let addr = start().await;
        // A small receive buffer on the client's side makes the server's
        // send buffer fill up, and then a write may take only part of what
        // it is given.
        let stream = connect_with_small_receive_buffer(addr).await;
        let (mut reader, mut writer) = stream.into_split();
        // More than any socket buffer: the server's writes must wait for
        // this client to read, and some of them write only part of a buffer.
        let sent = payload(8 * 1024 * 1024);
        let sending = {
            let sent = sent.clone();
            tokio::spawn(async move {
                // A server that closes early makes this fail; the reads
                // below report it.
                let _ = writer.write_all(&sent).await;
                writer
            })
        };
        let got = match read_echo(&mut reader, sent.len()).await {
            Echo::Whole(got) => got,
            Echo::Closed(got) | Echo::Stalled(got) if first_difference(&got, &sent) < got.len() => {
                panic!(
                    "the client sent {} bytes while reading the echo; it got {} back, and they \
                     differ from what was sent from byte {} on: bytes were lost. A single write \
                     may take only part of a buffer (it returns how many bytes it took), so \
                     make sure every byte read is written.",
                    sent.len(),
                    got.len(),
                    first_difference(&got, &sent)
                )
            }
            Echo::Closed(got) => panic!(
                "the client sent {} bytes while reading the echo; the server closed the \
                 connection after echoing {}",
                sent.len(),
                got.len()
            ),
            Echo::Stalled(got) => panic!(
                "the client sent {} bytes while reading the echo; it got the first {} back, \
                 then nothing for {REPLY_WAIT:?}: bytes were lost, or are still sitting in a \
                 buffer of the server. A single write may take only part of a buffer (it \
                 returns how many bytes it took), and a buffered writer sends nothing until \
                 it is full or flushed.",
                sent.len(),
                got.len()
            ),
        };
        assert!(
            got == sent,
            "the echo of {} bytes differs from what was sent, from byte {}: bytes were lost or \
             repeated. A single write may take only part of a buffer; make sure every byte \
             read is written, once.",
            sent.len(),
            first_difference(&got, &sent)
        );
        sending.await.expect("the sending task");
    });
}

/// `len` printable bytes with no newline among them, in a pattern whose
/// period (89) is prime, so a lost or repeated piece shows up.
fn payload(len: usize) -> Vec<u8> {
    (0..len).map(|i| b'!' + (i % 89) as u8).collect()
}

fn first_difference(a: &[u8], b: &[u8]) -> usize {
    a.iter().zip(b).take_while(|(x, y)| x == y).count()
}

#[test]
fn echoes_bytes_without_a_newline_as_soon_as_they_arrive() {
    on_tokio(LIMIT, || async {
        let addr = start().await;
        let (mut reader, mut writer) = connect(addr).await.into_split();
        let sent = b"no newline at the end of this";
        writer.write_all(sent).await.expect("send to the server");
        // The client keeps its side open: the echo must come anyway.
        match read_echo(&mut reader, sent.len()).await {
            Echo::Whole(got) => assert_eq!(
                show(&got),
                show(sent),
                "the echo of bytes without a newline differs from what was sent"
            ),
            Echo::Closed(got) => panic!(
                "the client sent {} (no newline) and kept its side open; the server echoed {} \
                 and then closed the connection",
                show(sent),
                show(&got)
            ),
            Echo::Stalled(got) => panic!(
                "the client sent {} with no newline and kept its side open; the server echoed \
                 {} and then nothing for {REPLY_WAIT:?}. Does the server wait for a newline? \
                 An echo server knows nothing of lines: send back what each read returns, at \
                 once.",
                show(sent),
                show(&got)
            ),
        }
    });
}

/// Checks that a client connecting now is served, with two round trips
/// (by the second one, whatever the server did about the connection that
/// ended before, it has done). `after` says what happened before.
async fn a_new_client_is_served(addr: SocketAddr, after: &str) {
    let hint = "An end or an error on one connection ends that connection only: `serve` \
                returns only if accepting fails (does it return, or stop, when a \
                connection's task ends or fails?)";
    let exchanges = [
        ("anyone there?", "anyone there?"),
        ("still there?", "still there?"),
    ];
    expect_served(addr, after, hint, &exchanges).await;
}

#[test]
fn serves_a_new_client_after_another_has_left() {
    on_tokio(LIMIT, || async {
        let addr = start().await;
        let mut leaving = LineClient::connect("leaving", addr).await;
        leaving.send_line("goodbye").await;
        let echo = leaving.recv_line("the echo of `goodbye`").await;
        assert_eq!(echo, "goodbye", "the echo differs from what was sent");
        leaving.shutdown_write().await;
        leaving
            .expect_closed("once the client closed its side and everything was echoed")
            .await;
        a_new_client_is_served(addr, "a client finished and left").await;
    });
}

#[test]
fn serves_a_new_client_after_another_resets_its_connection() {
    on_tokio(LIMIT, || async {
        let addr = start().await;
        // A small receive buffer, so the server's writes to this client
        // soon wait for it to read.
        let mut stream = connect_with_small_receive_buffer(addr).await;
        let sent = payload(1024 * 1024);
        let want = 64 * 1024;
        let got = send_while_reading(&mut stream, &sent, want).await;
        assert!(
            got >= want,
            "the client was sending {} bytes (no newline) and reading the echo; it did not get \
             the first {want} back in {REPLY_WAIT:?} (got {got} bytes): the server must send \
             back what each read returns, at once",
            sent.len()
        );
        // The server is in the middle of echoing the rest to this client.
        reset(stream);
        a_new_client_is_served(
            addr,
            "a client reset its connection while the server was echoing to it",
        )
        .await;
    });
}
