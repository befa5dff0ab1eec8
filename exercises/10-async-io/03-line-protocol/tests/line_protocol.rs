use std::net::SocketAddr;
use std::time::Duration;

use line_protocol::{MAX_LINE, serve};
use tokio::net::TcpStream;
use workbook_support::net::{
    LineClient, REPLY_WAIT, bind, bind_with_small_send_buffer, connect_with_small_receive_buffer,
    expect_served, on_tokio, reset, send_while_reading,
};

const LIMIT: Duration = Duration::from_secs(10);

/// Starts `serve` on a fresh loopback port, in a task of the test's own
/// runtime (dropped, with every connection, when the test ends).
async fn start() -> SocketAddr {
    let (listener, addr) = bind().await;
    tokio::spawn(serve(listener));
    addr
}

/// Sends `request` (a line) and checks the reply.
async fn ask(client: &mut LineClient, request: &str, want: &str) {
    client.send_line(request).await;
    let what = format!("the reply to `{request}`");
    let got = client.recv_line(&what).await;
    assert_eq!(
        got,
        want,
        "client `{}`: wrong reply to `{request}`",
        client.name()
    );
}

#[test]
fn answers_set_get_and_del() {
    on_tokio(LIMIT, || async {
        let addr = start().await;
        let mut client = LineClient::connect("alice", addr).await;
        ask(&mut client, "GET colour", "NOT_FOUND").await;
        ask(&mut client, "SET colour blue", "OK").await;
        ask(&mut client, "GET colour", "VALUE blue").await;
        ask(&mut client, "SET colour dark green", "OK").await;
        ask(&mut client, "GET colour", "VALUE dark green").await;
        ask(&mut client, "DEL colour", "OK").await;
        ask(&mut client, "GET colour", "NOT_FOUND").await;
        ask(&mut client, "DEL colour", "NOT_FOUND").await;
    });
}

#[test]
fn a_request_may_arrive_in_pieces_or_with_others() {
    on_tokio(LIMIT, || async {
        let addr = start().await;
        let mut client = LineClient::connect("pieces", addr).await;
        client.send_bytewise("SET a 1\n").await;
        let got = client
            .recv_line("the reply to `SET a 1`, sent one byte per write")
            .await;
        assert_eq!(
            got, "OK",
            "wrong reply to `SET a 1` sent one byte per write: a read returns what has \
             arrived so far, not a whole line"
        );
        client.send("SET b 2\nGET a\nGET b\n").await;
        for want in ["OK", "VALUE 1", "VALUE 2"] {
            let got = client
                .recv_line("the replies to three requests sent in one write")
                .await;
            assert_eq!(
                got, want,
                "three requests sent in one write must get three replies, in order: one read \
                 may hold several lines"
            );
        }
    });
}

#[test]
fn serves_a_second_client_while_the_first_is_idle() {
    on_tokio(LIMIT, || async {
        let addr = start().await;
        let mut first = LineClient::connect("first", addr).await;
        ask(&mut first, "SET who first", "OK").await;
        // `first` stays connected and says nothing more.
        let mut second = LineClient::connect("second", addr).await;
        second.send_line("GET who").await;
        match second.try_recv_line().await {
            Ok(Some(line)) => assert_eq!(line, "VALUE first", "wrong reply to `GET who`"),
            Ok(None) => panic!("the server closed the second client's connection"),
            Err(waited) => panic!(
                "the second client got no reply in {waited:?} while the first one was \
                 connected and silent: the server is still busy with the first connection. \
                 Serve each connection in a task of its own; and if you do, is the store's \
                 lock held for as long as a connection lasts? Hold it only to read or change \
                 the store, once per request."
            ),
        }
    });
}

#[test]
fn a_set_on_one_connection_is_seen_on_another() {
    on_tokio(LIMIT, || async {
        let addr = start().await;
        let mut writer = LineClient::connect("writer", addr).await;
        let mut reader = LineClient::connect("reader", addr).await;
        ask(&mut writer, "SET shared yes", "OK").await;
        reader.send_line("GET shared").await;
        let got = reader.recv_line("the reply to `GET shared`").await;
        assert_eq!(
            got, "VALUE yes",
            "a key set on one connection must be seen on another: all connections share \
             one store"
        );
        ask(&mut reader, "DEL shared", "OK").await;
        ask(&mut writer, "GET shared", "NOT_FOUND").await;
    });
}

#[test]
fn a_malformed_line_gets_err_and_the_connection_carries_on() {
    on_tokio(LIMIT, || async {
        let addr = start().await;
        let mut client = LineClient::connect("careless", addr).await;
        let malformed: [(&[u8], &str); 7] = [
            (b"FLY away\n", "an unknown command"),
            (b"GET\n", "GET without a key"),
            (b"SET lonely\n", "SET without a value"),
            (b"DEL\n", "DEL without a key"),
            (b"GET a b\n", "GET with two keys"),
            (b"\n", "an empty line"),
            (b"SET k \xff\xfe\n", "a line that is not UTF-8"),
        ];
        for (line, what) in malformed {
            client.send(line).await;
            let shown = String::from_utf8_lossy(line.strip_suffix(b"\n").unwrap_or(line));
            match client.try_recv_line().await {
                Ok(Some(reply)) => assert!(
                    reply.starts_with("ERR "),
                    "{what} (`{shown}`) must be answered by a line starting with `ERR `, \
                     not `{reply}`"
                ),
                Ok(None) => panic!(
                    "the server closed the connection after {what} (`{shown}`). A malformed \
                     line is the client's mistake, not the end of the world: answer `ERR \
                     <reason>` and carry on (is there an `unwrap` or a `?` on it?)"
                ),
                Err(waited) => panic!(
                    "no reply in {waited:?} to {what} (`{shown}`): every line gets a reply, \
                     `ERR <reason>` when it is malformed"
                ),
            }
            let carries_on = match client.try_send("GET k\n").await {
                Ok(()) => client.try_recv_line().await,
                Err(_) => Ok(None),
            };
            match carries_on {
                Ok(Some(reply)) => assert_eq!(
                    reply, "NOT_FOUND",
                    "wrong reply to `GET k` after {what} (`{shown}`)"
                ),
                Ok(None) => panic!(
                    "after answering `ERR` to {what} (`{shown}`), the server closed the \
                     connection instead of reading the next line: after an `ERR` the \
                     connection carries on"
                ),
                Err(waited) => panic!(
                    "after answering `ERR` to {what} (`{shown}`), the server gave no reply to \
                     `GET k` in {waited:?}: after an `ERR` the connection carries on"
                ),
            }
        }
        ask(&mut client, "SET k fine", "OK").await;
        ask(&mut client, "GET k", "VALUE fine").await;
    });
}

#[test]
fn a_malformed_line_from_one_client_harms_no_other() {
    on_tokio(LIMIT, || async {
        let addr = start().await;
        let mut bystander = LineClient::connect("bystander", addr).await;
        ask(&mut bystander, "SET calm yes", "OK").await;
        let mut careless = LineClient::connect("careless", addr).await;
        // Whatever becomes of this client's connection, the others must
        // not notice.
        for line in ["GET\n", "SET\n", "BOOM\n", "\u{1F4A5}\n"] {
            if careless.try_send(line).await.is_err() {
                break;
            }
            if careless.try_recv_line().await != Ok(None) {
                continue;
            }
            break;
        }
        let _ = careless.try_send(b"\xc3\x28\n").await;
        drop(careless);
        let reply = async {
            bystander.send_line("GET calm").await;
            bystander.try_recv_line().await
        };
        match reply.await {
            Ok(Some(line)) => assert_eq!(line, "VALUE yes", "wrong reply to `GET calm`"),
            _ => panic!(
                "after another client sent malformed lines, a connected client got no reply: \
                 did the server, or its task for this client, stop?"
            ),
        }
        let newcomer = tokio::time::timeout(REPLY_WAIT, TcpStream::connect(addr)).await;
        let Ok(Ok(stream)) = newcomer else {
            panic!(
                "after a client sent malformed lines, a new client could not connect: the \
                 server stopped accepting. One connection's problems must end that \
                 connection at most, never `serve`."
            )
        };
        let mut newcomer = LineClient::from_stream("newcomer", stream);
        ask(&mut newcomer, "GET calm", "VALUE yes").await;
    });
}

#[test]
fn replies_then_closes_when_the_client_closes_its_side() {
    on_tokio(LIMIT, || async {
        let addr = start().await;
        let mut client = LineClient::connect("leaving", addr).await;
        client.send("SET x 1\nGET x\nDEL x\n").await;
        client.shutdown_write().await;
        let replies = client
            .expect_closed(
                "after answering every line it received, once the client closed its side",
            )
            .await;
        assert_eq!(
            replies,
            ["OK", "VALUE 1", "OK"],
            "three requests sent in one write, then the client closed its sending side: each \
             must be answered, in order, before the server closes the connection (were \
             replies left in a buffer, or several lines taken for one?)"
        );
    });
}

#[test]
fn an_unfinished_last_line_is_not_executed() {
    on_tokio(LIMIT, || async {
        let addr = start().await;
        let mut leaving = LineClient::connect("leaving", addr).await;
        leaving.send("SET half done").await; // no newline
        leaving.shutdown_write().await;
        let replies = leaving
            .expect_closed("once the client closed its side in the middle of a line")
            .await;
        assert!(
            replies.is_empty(),
            "the server answered {replies:?} to a line that never got its newline: the client \
             left in the middle of it, so it is not a request"
        );
        let mut other = LineClient::connect("other", addr).await;
        other.send_line("GET half").await;
        let got = other.recv_line("the reply to `GET half`").await;
        assert_eq!(
            got, "NOT_FOUND",
            "`SET half done`, sent without a newline by a client that then left, was executed: \
             a line is a request only once its newline has arrived"
        );
    });
}

/// The long-line tests: a client streams `SET long vvvv…` with no newline,
/// while another task reads the replies. Returns how many bytes of the line
/// had been sent when the first reply came, the reply, and the client.
async fn send_a_long_line(addr: SocketAddr, total: usize) -> (usize, String, LineClient) {
    use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};

    let stream = TcpStream::connect(addr)
        .await
        .expect("connect to the server");
    let (read, mut write) = stream.into_split();
    let (reply_tx, mut reply_rx) = tokio::sync::oneshot::channel();
    let reading = tokio::spawn(async move {
        let mut reader = BufReader::new(read);
        let mut line = String::new();
        let outcome = tokio::time::timeout(REPLY_WAIT * 2, reader.read_line(&mut line)).await;
        let _ = reply_tx.send(match outcome {
            Ok(Ok(n)) if n > 0 => Some(line.trim_end().to_owned()),
            _ => None,
        });
        reader.into_inner()
    });
    let chunk = vec![b'v'; 64 * 1024];
    let mut sent = 0;
    let mut replied_at = None;
    if write.write_all(b"SET long ").await.is_ok() {
        sent += 9;
        while sent < total {
            if let Ok(reply) = reply_rx.try_recv() {
                replied_at = Some((sent, reply));
                break;
            }
            if write.write_all(&chunk).await.is_err() {
                break;
            }
            sent += chunk.len();
            tokio::task::yield_now().await;
        }
    }
    let (sent_then, reply) = match replied_at {
        Some((at, reply)) => (at, reply),
        None => (sent, reply_rx.await.unwrap_or(None)),
    };
    let reply = reply.unwrap_or_else(|| {
        panic!(
            "the client sent {sent_then} bytes of one line (more than MAX_LINE = {MAX_LINE}) \
             with no newline, and got no reply at all: past MAX_LINE bytes the server must \
             answer `ERR <reason>` without waiting for the end of the line"
        )
    });
    let read = reading.await.expect("the reading task");
    let stream = read.reunite(write).expect("the two halves of one stream");
    (sent_then, reply, LineClient::from_stream("long", stream))
}

#[test]
fn a_line_longer_than_max_line_is_answered_err_before_it_ends() {
    on_tokio(LIMIT, || async {
        let addr = start().await;
        let total = 16 * 1024 * 1024;
        let (sent, reply, mut client) = send_a_long_line(addr, total).await;
        assert!(
            sent < total,
            "the client sent {total} bytes of one line with no newline before the server \
             answered (`{reply}`): the server reads a line without bound, so a client can \
             fill its memory. Stop reading the line past MAX_LINE = {MAX_LINE} bytes and \
             answer `ERR <reason>` then."
        );
        assert!(
            reply.starts_with("ERR "),
            "the reply to a line longer than MAX_LINE must start with `ERR `, not `{reply}`"
        );
        // The rest of the long line, then a normal request.
        let after = match client.try_send("vvvv\nGET long\n").await {
            Ok(()) => client.try_recv_line().await,
            Err(_) => Ok(None),
        };
        match after {
            Ok(Some(line)) => assert_eq!(
                line, "NOT_FOUND",
                "after the `ERR` for a long line, the server must skip the rest of that line \
                 up to its newline, and answer the next one: the reply to `GET long` was \
                 wrong (was the rest of the long line read as new requests, or the line \
                 executed cut short?)"
            ),
            Ok(None) => panic!(
                "the server closed the connection after answering `ERR` to a long line; the \
                 contract says it skips the rest of that line and carries on"
            ),
            Err(waited) => panic!(
                "after the `ERR` for a long line, the rest of it and `GET long`, no reply for \
                 {waited:?}: the server must skip to the end of the long line and answer the \
                 next one"
            ),
        }
        ask(&mut client, "SET short ok", "OK").await;
    });
}

/// Sends `bytes` as they are and returns the next reply line.
async fn reply_to(client: &mut LineClient, bytes: &[u8], what: &str) -> String {
    client.send(bytes).await;
    client.recv_line(&format!("the reply to {what}")).await
}

#[test]
fn a_bad_line_and_a_good_one_in_one_write_get_two_replies() {
    on_tokio(LIMIT, || async {
        let addr = start().await;
        let mut client = LineClient::connect("hasty", addr).await;
        let first = reply_to(
            &mut client,
            b"SET k \xff\nGET k\n",
            "a line that is not UTF-8, sent in one write with `GET k`",
        )
        .await;
        assert!(
            first.starts_with("ERR "),
            "a line that is not UTF-8 must be answered `ERR <reason>`, not `{first}`"
        );
        match client.try_recv_line().await {
            Ok(Some(second)) => assert_eq!(
                second, "NOT_FOUND",
                "`GET k` came in the same write as a line that is not UTF-8, and its reply is \
                 wrong: an error in one line must not spoil the lines read with it"
            ),
            Ok(None) => panic!(
                "the server closed the connection after a line that is not UTF-8, sent in one \
                 write with `GET k`: after an `ERR` the connection carries on"
            ),
            Err(waited) => panic!(
                "no reply in {waited:?} to `GET k`, which came in the same write as a line \
                 that is not UTF-8 (answered `{first}`): were the bytes read after the bad \
                 line thrown away with it? An error in one line must not lose the lines that \
                 came with it"
            ),
        }
        let mut long = b"SET f ".to_vec();
        long.resize(MAX_LINE + 10, b'x');
        long.extend_from_slice(b"\nGET f\n");
        let first = reply_to(
            &mut client,
            &long,
            "a line longer than MAX_LINE, sent in one write with `GET f`",
        )
        .await;
        assert!(
            first.starts_with("ERR "),
            "a line longer than MAX_LINE must be answered `ERR <reason>`, not `{first}`"
        );
        match client.try_recv_line().await {
            Ok(Some(second)) => assert_eq!(
                second, "NOT_FOUND",
                "`GET f` came in the same write as a line longer than MAX_LINE, and its reply \
                 is wrong: skip the long line up to its newline only, then serve the next line"
            ),
            Ok(None) => panic!(
                "the server closed the connection after a line longer than MAX_LINE, sent in \
                 one write with `GET f`: it skips the long line and carries on"
            ),
            Err(waited) => panic!(
                "no reply in {waited:?} to `GET f`, which came in the same write as a line \
                 longer than MAX_LINE (answered `{first}`): were the bytes after the long \
                 line's newline skipped with it? Skip up to that newline only"
            ),
        }
        ask(&mut client, "GET f", "NOT_FOUND").await;
    });
}

#[test]
fn a_value_keeps_its_spaces_exactly() {
    on_tokio(LIMIT, || async {
        let addr = start().await;
        let mut client = LineClient::connect("spacey", addr).await;
        ask(&mut client, "SET sp a  b ", "OK").await;
        client.send_line("GET sp").await;
        let got = client.recv_line("the reply to `GET sp`").await;
        assert_eq!(
            got, "VALUE a  b ",
            "`SET sp a  b ` stores the value `a  b ` (two spaces inside, one at the end): the \
             value is the rest of the line after the key and one space, exactly as sent. Were \
             the words split on any whitespace and joined again, or the line trimmed?"
        );
    });
}

#[test]
fn requests_are_parsed_strictly() {
    on_tokio(LIMIT, || async {
        let addr = start().await;
        let mut client = LineClient::connect("sloppy", addr).await;
        ask(&mut client, "SET a 1", "OK").await;
        let cases: [(&str, &str); 4] = [
            (
                "SET  v",
                "an empty key (two spaces after SET): a key is one non-empty word",
            ),
            (
                "DEL a b",
                "DEL with two keys: DEL takes one key and nothing after it",
            ),
            (
                "get a",
                "a command in lower case: commands are upper case, exactly",
            ),
            ("SET k ", "SET with an empty value: a value is not empty"),
        ];
        for (line, why) in cases {
            let reply = reply_to(
                &mut client,
                format!("{line}\n").as_bytes(),
                &format!("`{line}`"),
            )
            .await;
            assert!(
                reply.starts_with("ERR "),
                "`{line}` must be answered `ERR <reason>`, not `{reply}`: {why}"
            );
        }
        ask(&mut client, "GET a", "VALUE 1").await;
        ask(&mut client, "GET k", "NOT_FOUND").await;
    });
}

#[test]
fn a_line_of_max_line_bytes_is_served_and_one_byte_more_is_not() {
    on_tokio(LIMIT, || async {
        let addr = start().await;
        let mut client = LineClient::connect("precise", addr).await;
        let mut exact = b"SET e ".to_vec();
        exact.resize(MAX_LINE, b'x');
        let value = String::from_utf8(exact[6..].to_vec()).expect("ASCII");
        exact.push(b'\n');
        let reply = reply_to(&mut client, &exact, "a line of exactly MAX_LINE bytes").await;
        assert_eq!(
            reply, "OK",
            "a line of exactly MAX_LINE = {MAX_LINE} bytes (not counting its newline) is not \
             too long and must be served (is the limit off by one?)"
        );
        client.send_line("GET e").await;
        let got = client.recv_line("the reply to `GET e`").await;
        assert!(
            got == format!("VALUE {value}"),
            "`GET e` after a SET line of exactly MAX_LINE bytes must return all {} bytes of \
             its value; got {} bytes",
            value.len(),
            got.len().saturating_sub(6)
        );
        let mut over = b"SET f ".to_vec();
        over.resize(MAX_LINE + 1, b'x');
        over.push(b'\n');
        let reply = reply_to(&mut client, &over, "a line of MAX_LINE + 1 bytes").await;
        assert!(
            reply.starts_with("ERR "),
            "a line of MAX_LINE + 1 = {} bytes (not counting its newline) is too long and must \
             be answered `ERR <reason>`, not `{reply}` (is the limit off by one?)",
            MAX_LINE + 1
        );
        client.send_line("GET f").await;
        let got = client.recv_line("the reply to `GET f`").await;
        assert_eq!(
            got, "NOT_FOUND",
            "a SET line of MAX_LINE + 1 bytes was executed: a line that is too long is never \
             executed"
        );
    });
}

/// Checks that a client connecting now is served, with two round trips
/// (by the second one, whatever the server did about the connection that
/// ended before, it has done). `after` says what happened before.
async fn a_new_client_is_served(addr: SocketAddr, after: &str) {
    let hint = "An error on one connection ends that connection only: `serve` returns only \
                if accepting fails (does it return, or stop, when a connection's task fails?)";
    let exchanges = [("SET fresh start", "OK"), ("GET fresh", "VALUE start")];
    expect_served(addr, after, hint, &exchanges).await;
}

#[test]
fn serves_new_clients_after_one_resets_its_connection() {
    on_tokio(LIMIT, || async {
        let addr = start().await;
        // A small receive buffer, so the server's replies to this client
        // soon wait for it to read.
        let mut stream = connect_with_small_receive_buffer(addr).await;
        let requests = b"GET nothing\n".repeat(100_000);
        let want = 16 * 1024;
        let got = send_while_reading(&mut stream, &requests, want).await;
        assert!(
            got >= want,
            "a client sent many `GET nothing` in a row and did not get {want} bytes of replies \
             in {REPLY_WAIT:?} (got {got})"
        );
        // The server is in the middle of answering this client.
        reset(stream);
        a_new_client_is_served(
            addr,
            "a client reset its connection while the server was answering it",
        )
        .await;
    });
}

#[test]
fn a_client_that_does_not_read_its_replies_holds_up_no_other() {
    use tokio::io::AsyncWriteExt;

    on_tokio(LIMIT, || async {
        // Small send buffers on the server's connections (they inherit
        // them from the listener): its writes to a client that does not
        // read soon have to wait.
        let (listener, addr) = bind_with_small_send_buffer();
        tokio::spawn(serve(listener));

        let mut setter = LineClient::connect("setter", addr).await;
        let mut set = b"SET big ".to_vec();
        set.resize(1000, b'v');
        set.push(b'\n');
        let reply = reply_to(&mut setter, &set, "a SET of a 992-byte value").await;
        assert_eq!(reply, "OK", "wrong reply to a SET of a 992-byte value");

        // This client asks for the big value over and over and never reads
        // a reply: soon the server cannot write to it any more.
        let stream = connect_with_small_receive_buffer(addr).await;
        let (_never_read, mut writer) = stream.into_split();
        tokio::spawn(async move {
            let _ = writer.write_all(&b"GET big\n".repeat(20_000)).await;
            std::future::pending::<()>().await;
        });

        let mut other = LineClient::connect("other", addr).await;
        for round in 1..=20 {
            other.send_line("GET nothing").await;
            match other.try_recv_line().await {
                Ok(Some(line)) => assert_eq!(line, "NOT_FOUND", "wrong reply to `GET nothing`"),
                Ok(None) => panic!("the server closed the connection of client `other`"),
                Err(waited) => panic!(
                    "client `other` got no reply to request {round} in {waited:?}, while \
                     another client asked for a big value many times and did not read the \
                     replies, so the server's writes to it wait. Is the store's lock held \
                     across a write to a socket? A write can wait for ever for a client that \
                     does not read; take the lock only to read or change the store, and \
                     release it before writing the reply."
                ),
            }
        }
    });
}
