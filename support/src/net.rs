//! Helpers for tests that talk to a learner's server over real loopback
//! sockets: a runtime that runs on the wall clock under a watchdog, and a
//! line client whose every wait is bounded and says what it waited for.
//!
//! Paused time does not suit sockets: a paused runtime whose tasks all wait
//! for the kernel skips its clock ahead, so every timeout would fire at once.
//! These helpers use real time instead, with short bounds, and each test
//! builds its own runtime, so dropping it at the end of the test closes every
//! listener and connection the test opened.

use std::future::Future;
use std::net::SocketAddr;
use std::time::Duration;

use tokio::io::{AsyncBufReadExt, AsyncReadExt, AsyncWriteExt, BufReader};
use tokio::net::tcp::{OwnedReadHalf, OwnedWriteHalf};
use tokio::net::{TcpListener, TcpSocket, TcpStream};

use crate::watchdog::{Clock, on_fresh_runtime};

/// How long a client waits for a line, or for the end of the stream, before
/// it fails the test. Loopback answers in microseconds; this is generous.
pub const REPLY_WAIT: Duration = Duration::from_secs(2);

/// Runs the future that `make` returns on a single-threaded tokio runtime
/// with real time, under [`within`](crate::within). Everything the test spawned (the
/// server, its listener, its connections) is dropped with the runtime when
/// the body ends, passed or failed.
#[track_caller]
pub fn on_tokio<M, F>(limit: Duration, make: M) -> F::Output
where
    M: FnOnce() -> F + Send + 'static,
    F: Future,
    F::Output: Send + 'static,
{
    on_fresh_runtime(Clock::Real, limit, make)
}

/// Binds a listener on a free loopback port (port 0: the kernel picks one).
pub async fn bind() -> (TcpListener, SocketAddr) {
    let listener = TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind a listener on 127.0.0.1:0");
    let addr = listener.local_addr().expect("read the listener's address");
    (listener, addr)
}

/// Binds a listener on a free loopback port whose connections get a small
/// send buffer (4 KiB; accepted sockets inherit it on Linux), so that the
/// server's writes to a client that does not read soon have to wait.
pub fn bind_with_small_send_buffer() -> (TcpListener, SocketAddr) {
    let socket = TcpSocket::new_v4().expect("make a socket");
    socket
        .set_send_buffer_size(4096)
        .expect("set the send buffer size");
    socket
        .bind(SocketAddr::from(([127, 0, 0, 1], 0)))
        .expect("bind a listener on 127.0.0.1:0");
    let listener = socket.listen(64).expect("listen");
    let addr = listener.local_addr().expect("read the listener's address");
    (listener, addr)
}

/// A test client that speaks lines. `name` appears in every failure, so a
/// test with many clients says which one saw what.
pub struct LineClient {
    name: String,
    reader: BufReader<OwnedReadHalf>,
    writer: OwnedWriteHalf,
}

impl LineClient {
    /// Connects to `addr`, failing the test if nothing accepts in time.
    pub async fn connect(name: impl Into<String>, addr: SocketAddr) -> Self {
        let name = name.into();
        let stream = tokio::time::timeout(REPLY_WAIT, TcpStream::connect(addr))
            .await
            .unwrap_or_else(|_| panic!("client `{name}` could not connect to {addr} in time"))
            .unwrap_or_else(|e| panic!("client `{name}` could not connect to {addr}: {e}"));
        Self::from_stream(name, stream)
    }

    /// Wraps a stream that is already connected.
    pub fn from_stream(name: impl Into<String>, stream: TcpStream) -> Self {
        stream.set_nodelay(true).expect("set TCP_NODELAY");
        let (read, writer) = stream.into_split();
        LineClient {
            name: name.into(),
            reader: BufReader::new(read),
            writer,
        }
    }

    /// The name given at `connect`.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// Writes `bytes` as they are (no newline added) and flushes them.
    pub async fn send(&mut self, bytes: impl AsRef<[u8]>) {
        let name = &self.name;
        self.writer
            .write_all(bytes.as_ref())
            .await
            .unwrap_or_else(|e| panic!("client `{name}` could not write to the server: {e}"));
        self.writer
            .flush()
            .await
            .unwrap_or_else(|e| panic!("client `{name}` could not flush: {e}"));
    }

    /// Writes `bytes` and flushes them like [`send`](Self::send), but hands
    /// a failure back instead of failing the test: for a test that expects
    /// the server may have closed the connection, and says so itself.
    pub async fn try_send(&mut self, bytes: impl AsRef<[u8]>) -> std::io::Result<()> {
        self.writer.write_all(bytes.as_ref()).await?;
        self.writer.flush().await
    }

    /// Writes `line` followed by `\n`.
    pub async fn send_line(&mut self, line: &str) {
        self.send(format!("{line}\n")).await;
    }

    /// Writes `bytes` one byte per write, yielding to the runtime between
    /// them, so the server sees a message arrive in many small reads.
    pub async fn send_bytewise(&mut self, bytes: impl AsRef<[u8]>) {
        for byte in bytes.as_ref() {
            self.send([*byte]).await;
            tokio::task::yield_now().await;
        }
    }

    /// Reads the next line (without its `\n`), failing the test with `what`
    /// if none arrives within [`REPLY_WAIT`] or the server closes first.
    pub async fn recv_line(&mut self, what: &str) -> String {
        match self.try_recv_line().await {
            Ok(Some(line)) => line,
            Ok(None) => panic!(
                "client `{}` waited for {what}, but the server closed the connection first",
                self.name
            ),
            Err(waited) => panic!(
                "client `{}` waited {waited:?} for {what} and received nothing. \
                 Is the server still reading this connection, and does it write and \
                 flush a reply ending in a newline?",
                self.name
            ),
        }
    }

    /// The next line, `Ok(None)` when the server closed the connection, or
    /// `Err(REPLY_WAIT)` when nothing came in time.
    pub async fn try_recv_line(&mut self) -> Result<Option<String>, Duration> {
        let mut line = Vec::new();
        match tokio::time::timeout(REPLY_WAIT, self.reader.read_until(b'\n', &mut line)).await {
            Err(_) => Err(REPLY_WAIT),
            Ok(Err(e)) if is_reset(&e) => Ok(None),
            Ok(Err(e)) => panic!("client `{}` could not read: {e}", self.name),
            Ok(Ok(0)) => Ok(None),
            Ok(Ok(_)) => {
                if line.last() == Some(&b'\n') {
                    line.pop();
                }
                Ok(Some(String::from_utf8_lossy(&line).into_owned()))
            }
        }
    }

    /// Fails the test unless the server closes the connection within
    /// [`REPLY_WAIT`]; lines that arrive first are returned.
    pub async fn expect_closed(&mut self, why: &str) -> Vec<String> {
        let mut rest = Vec::new();
        match tokio::time::timeout(REPLY_WAIT, self.reader.read_to_end(&mut rest)).await {
            Err(_) => panic!(
                "client `{}` expected the server to close the connection ({why}), \
                 but it stayed open for {REPLY_WAIT:?}",
                self.name
            ),
            Ok(Err(e)) if !is_reset(&e) => panic!("client `{}` could not read: {e}", self.name),
            Ok(_) => {}
        }
        String::from_utf8_lossy(&rest)
            .lines()
            .map(str::to_owned)
            .collect()
    }

    /// Closes the writing half: the server reads end of stream, while this
    /// client can still read the replies.
    pub async fn shutdown_write(&mut self) {
        let _ = self.writer.shutdown().await;
    }
}

fn is_reset(e: &std::io::Error) -> bool {
    matches!(
        e.kind(),
        std::io::ErrorKind::ConnectionReset | std::io::ErrorKind::ConnectionAborted
    )
}

/// Connects to `addr` with a small receive buffer (4 KiB), so that the
/// server's writes to this client soon have to wait for it to read.
pub async fn connect_with_small_receive_buffer(addr: SocketAddr) -> TcpStream {
    let socket = TcpSocket::new_v4().expect("make a socket");
    socket
        .set_recv_buffer_size(4096)
        .expect("set the receive buffer size");
    socket.connect(addr).await.expect("connect to the server")
}

/// Writes `bytes` to `stream` while reading what comes back, until `want`
/// bytes have come back. Returns how many came back: fewer than `want` if
/// the stream ended, failed, or stayed silent for [`REPLY_WAIT`].
pub async fn send_while_reading(stream: &mut TcpStream, bytes: &[u8], want: usize) -> usize {
    let (mut reader, mut writer) = stream.split();
    let mut offset = 0;
    let mut got = 0;
    let mut chunk = vec![0; 16 * 1024];
    let exchange = async {
        while got < want {
            tokio::select! {
                n = writer.write(&bytes[offset..]), if offset < bytes.len() => {
                    offset += n.expect("send to the server");
                }
                n = reader.read(&mut chunk) => match n {
                    Ok(0) | Err(_) => return,
                    Ok(n) => got += n,
                },
            }
        }
    };
    let _ = tokio::time::timeout(REPLY_WAIT, exchange).await;
    got
}

/// Closes `stream` with a reset (RST) instead of an orderly end: with
/// `SO_LINGER` set to zero the kernel drops what is unsent, and the
/// server's next read or write on the connection fails. The stream must
/// not have been split into owned halves, whose write half sends an
/// orderly end (FIN) first when it is dropped.
pub fn reset(stream: TcpStream) {
    stream.set_zero_linger().expect("set SO_LINGER to zero");
    drop(stream);
}

/// Checks that a client connecting now, `newcomer`, is served: each
/// request of `exchanges` gets its reply. With two or more round trips,
/// whatever the server did about a connection that ended before, it has
/// done by the last one. `after` says what happened before, `hint` what to
/// look at when the newcomer is not served.
pub async fn expect_served(addr: SocketAddr, after: &str, hint: &str, exchanges: &[(&str, &str)]) {
    let stream = match tokio::time::timeout(REPLY_WAIT, TcpStream::connect(addr)).await {
        Ok(Ok(stream)) => stream,
        Ok(Err(e)) => panic!("after {after}, a new client could not connect ({e}). {hint}"),
        Err(_) => panic!("after {after}, a new client could not connect in {REPLY_WAIT:?}. {hint}"),
    };
    let mut newcomer = LineClient::from_stream("newcomer", stream);
    for (request, want) in exchanges {
        let reply = match newcomer.try_send(format!("{request}\n")).await {
            Ok(()) => newcomer.try_recv_line().await,
            Err(_) => Ok(None),
        };
        match reply {
            Ok(Some(line)) => {
                assert_eq!(line, *want, "wrong reply to the new client's `{request}`")
            }
            Ok(None) => panic!(
                "after {after}, a new client sent `{request}` and the server closed its \
                 connection without a reply. {hint}"
            ),
            Err(waited) => panic!(
                "after {after}, a new client sent `{request}` and got no reply in {waited:?}. \
                 {hint}"
            ),
        }
    }
}
