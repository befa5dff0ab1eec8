//! The graceful shutdown, seen by real clients on loopback sockets.

use std::future::Future;
use std::net::SocketAddr;
use std::task::Poll;
use std::time::Duration;

use chat_shutdown::{GOODBYE, Hub, serve};
use tokio::net::TcpStream;
use tokio::sync::oneshot;
use tokio::task::JoinHandle;
use workbook_support::net::{
    LineClient, REPLY_WAIT, bind, bind_with_small_send_buffer, connect_with_small_receive_buffer,
    on_tokio,
};

const LIMIT: Duration = Duration::from_secs(20);

/// A server whose shutdown is `shutdown`, and the task that runs `serve`.
async fn start_with(
    hub: &Hub,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> (SocketAddr, JoinHandle<()>) {
    let (listener, addr) = bind().await;
    let server = tokio::spawn(serve(listener, hub.clone(), shutdown));
    (addr, server)
}

/// A server that shuts down when the test sends on the returned sender.
async fn start(hub: &Hub) -> (SocketAddr, JoinHandle<()>, oneshot::Sender<()>) {
    let (stop, stopped) = oneshot::channel::<()>();
    let (addr, server) = start_with(hub, async move {
        let _ = stopped.await;
    })
    .await;
    (addr, server, stop)
}

async fn join(addr: SocketAddr, nick: &str) -> LineClient {
    let mut client = LineClient::connect(nick, addr).await;
    client.send_line(nick).await;
    assert_eq!(
        client.recv_line("the welcome line").await,
        format!("* welcome {nick}"),
        "before the shutdown, the server must work as in the previous step"
    );
    client
}

/// Waits for `serve` to return, failing if it takes longer than a client
/// waits for a reply, or if it panicked.
async fn returned(server: JoinHandle<()>, after: &str) {
    match tokio::time::timeout(REPLY_WAIT, server).await {
        Err(_) => panic!(
            "`serve` had not returned {REPLY_WAIT:?} after {after}: is a connection task \
             still waiting for a line from its client, or is a task never told to end?"
        ),
        Ok(Err(e)) if e.is_panic() => std::panic::resume_unwind(e.into_panic()),
        Ok(Err(e)) => panic!("the task running `serve` failed: {e}"),
        Ok(Ok(())) => {}
    }
}

/// Reads what `client` gets up to the end of its stream: lines that are not
/// notices (`* ...`), then the goodbye as the very last line.
async fn until_goodbye(client: &mut LineClient) -> Vec<String> {
    let mut lines = Vec::new();
    loop {
        match client.try_recv_line().await {
            Ok(Some(line)) if line == GOODBYE => break,
            Ok(Some(line)) if line.starts_with("* ") => {}
            Ok(Some(line)) => lines.push(line),
            Ok(None) => panic!(
                "client `{}` saw its connection closed without `{GOODBYE}`; it had received \
                 {lines:?}. Every client gets the goodbye line before its connection is closed",
                client.name()
            ),
            Err(waited) => panic!(
                "client `{}` waited {waited:?} for `{GOODBYE}` after the shutdown and received \
                 nothing more; it had received {lines:?}",
                client.name()
            ),
        }
    }
    let after = client.expect_closed("it received the goodbye").await;
    assert!(
        after.is_empty(),
        "client `{}` received {after:?} after the goodbye, which must be the last line",
        client.name()
    );
    lines
}

#[test]
fn shutdown_says_goodbye_closes_every_connection_and_returns() {
    on_tokio(LIMIT, || async {
        let hub = Hub::new();
        let (addr, server, stop) = start(&hub).await;
        // Two clients that say nothing: their connections wait for input.
        let mut ada = join(addr, "ada").await;
        let mut bob = join(addr, "bob").await;
        let _ = stop.send(());
        until_goodbye(&mut ada).await;
        until_goodbye(&mut bob).await;
        returned(server, "the shutdown, with two idle clients").await;
        assert_eq!(
            hub.members("lobby"),
            Vec::<String>::new(),
            "when `serve` returns, every connection task has ended and left the hub"
        );
    });
}

#[test]
fn serve_returns_only_once_every_connection_task_has_ended() {
    on_tokio(LIMIT, || async {
        let hub = Hub::new();
        let (listener, addr) = bind().await;
        let (stop, stopped) = oneshot::channel::<()>();
        // `serve` runs inside this test's own future, not as a task, so that
        // nothing else can run between its return and the check below.
        let mut serving = std::pin::pin!(serve(listener, hub.clone(), async move {
            let _ = stopped.await;
        }));
        let mut clients = tokio::select! {
            () = &mut serving => panic!("`serve` returned before the shutdown"),
            clients = async {
                let mut clients = Vec::new();
                for n in 0..8 {
                    clients.push(join(addr, &format!("c{n}")).await);
                }
                clients
            } => clients,
        };
        let _ = stop.send(());
        tokio::time::timeout(REPLY_WAIT, &mut serving)
            .await
            .unwrap_or_else(|_| {
                panic!("`serve` had not returned {REPLY_WAIT:?} after the shutdown, with eight idle clients")
            });
        assert_eq!(
            hub.members("lobby"),
            Vec::<String>::new(),
            "`serve` returned while connections were still members of the hub: it must \
             wait until every connection task has ended"
        );
        for client in &mut clients {
            until_goodbye(client).await;
        }
    });
}

#[test]
fn shutdown_reaches_clients_still_choosing_a_nick_or_midway_through_a_line() {
    on_tokio(LIMIT, || async {
        let hub = Hub::new();
        let (addr, server, stop) = start(&hub).await;
        let mut shy = LineClient::connect("shy", addr).await;
        let mut ada = join(addr, "ada").await;
        let mut bob = join(addr, "bob").await;
        // A command and half a line in one write, so one read takes both:
        // once bob has the answer to the command, the server holds the half
        // line, and the shutdown comes while it waits for the rest.
        bob.send("/join !\nhalf a li").await; // no newline after it: not a line yet
        assert_eq!(
            bob.recv_line("the answer to `/join !`").await,
            "! invalid room",
            "`/join !` names no valid room"
        );
        let _ = stop.send(());
        until_goodbye(&mut shy).await;
        let heard = until_goodbye(&mut ada).await;
        assert!(
            heard.is_empty(),
            "the server had read `half a li` from bob, with no newline after it, when the \
             shutdown came: a line that was not whole then is not a message, and must not \
             be said at the shutdown; ada heard {heard:?}"
        );
        until_goodbye(&mut bob).await;
        returned(server, "the shutdown").await;
    });
}

#[test]
fn no_listener_is_left_once_serve_returns() {
    on_tokio(LIMIT, || async {
        let hub = Hub::new();
        let (addr, server, stop) = start(&hub).await;
        let mut ada = join(addr, "ada").await;
        let _ = stop.send(());
        until_goodbye(&mut ada).await;
        returned(server, "the shutdown").await;
        match tokio::time::timeout(REPLY_WAIT, TcpStream::connect(addr)).await {
            Ok(Err(_)) => {}
            Ok(Ok(_)) => panic!(
                "a new connection to {addr} succeeded after `serve` returned: the shutdown \
                 must stop accepting, and nothing may keep the listener open"
            ),
            Err(_) => {
                panic!("connecting to {addr} after the shutdown neither failed nor succeeded")
            }
        }
    });
}

/// A shutdown signal that completes at its first poll after `nick` has
/// joined `room`. It wakes itself at every poll, so `serve` polls it again
/// as soon as the runtime gets back to it: on this single-threaded runtime,
/// that is before the writers woken by the same burst of messages have run.
fn when_in_room(
    hub: Hub,
    nick: &'static str,
    room: &'static str,
) -> impl Future<Output = ()> + Send {
    std::future::poll_fn(move |cx| {
        if hub.members(room).iter().any(|member| member == nick) {
            Poll::Ready(())
        } else {
            cx.waker().wake_by_ref();
            Poll::Pending
        }
    })
}

#[test]
fn shutdown_delivers_every_message_the_hub_accepted_before_the_goodbye() {
    const MESSAGES: usize = 12;
    const RECEIVERS: usize = 4;
    // A few rounds, each with a fresh server.
    for round in 0..5 {
        on_tokio(LIMIT, move || async move {
            let hub = Hub::new();
            let (addr, server) =
                start_with(&hub, when_in_room(hub.clone(), "sender", "elsewhere")).await;
            let mut receivers = Vec::new();
            for n in 0..RECEIVERS {
                receivers.push(join(addr, &format!("r{n}")).await);
            }
            let mut sender = join(addr, "sender").await;
            // One write: the messages, then a move to another room. When the
            // sender is in that room, the hub has taken every message, and
            // the shutdown signal completes, while the lines are still on
            // their way to the receivers.
            let mut burst = String::new();
            for n in 0..MESSAGES {
                burst.push_str(&format!("message {n}\n"));
            }
            burst.push_str("/join elsewhere\n");
            sender.send(burst).await;
            let expected: Vec<String> = (0..MESSAGES)
                .map(|n| format!("sender: message {n}"))
                .collect();
            for receiver in &mut receivers {
                let got = until_goodbye(receiver).await;
                assert_eq!(
                    got,
                    expected,
                    "round {round}: client `{}` must receive every message the hub accepted \
                     before the shutdown, in order, and then the goodbye",
                    receiver.name()
                );
            }
            until_goodbye(&mut sender).await;
            returned(server, "the shutdown").await;
        });
    }
}

#[test]
fn a_client_that_reads_late_gets_its_queued_lines_before_the_goodbye() {
    // Every line for `late` fits in its queue, so the hub never drops it.
    const MESSAGES: usize = chat_shutdown::QUEUE_CAPACITY;
    on_tokio(LIMIT, || async {
        let hub = Hub::new();
        // Small socket buffers on both ends, so that a few lines fill them,
        // and the rest wait in the queue of the client that does not read.
        let (listener, addr) = bind_with_small_send_buffer();
        let (stop, stopped) = oneshot::channel::<()>();
        let server = tokio::spawn(serve(listener, hub.clone(), async move {
            let _ = stopped.await;
        }));
        let mut sender = join(addr, "sender").await;
        let mut listener = join(addr, "listener").await;
        let stream = connect_with_small_receive_buffer(addr).await;
        let mut late = LineClient::from_stream("late", stream);
        late.send_line("late").await;
        let _ = listener.recv_line("`* late joined lobby`").await;
        let _ = sender.recv_line("`* listener joined lobby`").await;
        let _ = sender.recv_line("`* late joined lobby`").await;
        let filler = "z".repeat(1000);
        let expected: Vec<String> = (0..MESSAGES)
            .map(|n| format!("sender: {n} {filler}"))
            .collect();
        for (n, line) in expected.iter().enumerate() {
            sender.send_line(&format!("{n} {filler}")).await;
            assert_eq!(
                &listener.recv_line("the sender's messages").await,
                line,
                "the listener must receive the sender's messages in order"
            );
        }
        // Every message is in the hub's hands: some in `late`'s socket
        // buffers, the rest in its queue, while its writer waits.
        let _ = stop.send(());
        assert_eq!(
            late.recv_line("the welcome").await,
            "* welcome late",
            "the client that reads late first gets its welcome"
        );
        let got = until_goodbye(&mut late).await;
        assert!(
            got == expected,
            "a client whose writer was still busy when the shutdown came must get every \
             line queued for it, in order, before the goodbye; it got {} of the {MESSAGES} \
             messages: {:?}",
            got.len(),
            got.iter()
                .map(|line| line.split(' ').nth(1).unwrap_or("?"))
                .collect::<Vec<_>>()
        );
        until_goodbye(&mut sender).await;
        until_goodbye(&mut listener).await;
        returned(server, "the shutdown").await;
    });
}

/// A shutdown signal that completes at the first poll at which `probe`, a
/// member of the lobby driven by the test, has received at least `at_least`
/// messages (notices aside). It keeps what the probe received, in order, in
/// `heard`, and leaves the hub as it completes. Like `when_in_room`, it wakes
/// itself at every poll.
fn when_probe_heard(
    hub: Hub,
    at_least: usize,
    heard: std::sync::Arc<std::sync::Mutex<Vec<String>>>,
) -> impl Future<Output = ()> + Send {
    let chat_shutdown::Membership { id, mut inbox } = hub
        .join("probe", "lobby")
        .expect("the nick `probe` is free");
    std::future::poll_fn(move |cx| {
        let mut heard = heard.lock().expect("the probe's list");
        while let Ok(line) = inbox.try_recv() {
            if !line.starts_with("* ") {
                heard.push(line);
            }
        }
        if heard.len() >= at_least {
            hub.leave(id);
            Poll::Ready(())
        } else {
            cx.waker().wake_by_ref();
            Poll::Pending
        }
    })
}

#[test]
fn no_line_is_read_once_the_shutdown_has_come() {
    const RECEIVERS: usize = 3;
    const BEFORE: usize = 4;
    const AFTER: usize = 8;
    // A few rounds, each with a fresh server.
    for round in 0..20 {
        on_tokio(LIMIT, move || async move {
            let hub = Hub::new();
            let heard = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
            let (addr, server) =
                start_with(&hub, when_probe_heard(hub.clone(), BEFORE, heard.clone())).await;
            let mut receivers = Vec::new();
            for n in 0..RECEIVERS {
                receivers.push(join(addr, &format!("r{n}")).await);
            }
            let mut sender = join(addr, "sender").await;
            // A member the test holds and reads only at the end: its queue
            // shows every message the hub took, before the shutdown or after.
            let chat_shutdown::Membership {
                inbox: mut witness, ..
            } = hub
                .join("witness", "lobby")
                .expect("the nick `witness` is free");
            // One write: a few messages, then commands whose answers pile up
            // faster than they are written (so the server may pause reading
            // there), then more messages. The shutdown completes once the
            // probe has the first messages; whatever the hub had taken by
            // then is exactly what the probe heard.
            let mut burst = String::new();
            for n in 0..BEFORE {
                burst.push_str(&format!("message {n}\n"));
            }
            for _ in 0..5 {
                burst.push_str("/join !\n");
            }
            for n in BEFORE..BEFORE + AFTER {
                burst.push_str(&format!("message {n}\n"));
            }
            sender.send(burst).await;
            let mut lists = Vec::new();
            for receiver in &mut receivers {
                lists.push((receiver.name().to_owned(), until_goodbye(receiver).await));
            }
            until_goodbye(&mut sender).await;
            returned(server, "the shutdown").await;
            let heard = heard.lock().expect("the probe's list").clone();
            let mut taken = Vec::new();
            while let Ok(line) = witness.try_recv() {
                if !line.starts_with("* ") {
                    taken.push(line);
                }
            }
            assert!(
                !(taken.len() > heard.len() && taken.starts_with(&heard)),
                "round {round}: when the shutdown came, the hub had taken the sender's messages \
                 {heard:?}, yet it took {:?} after it: the server went on reading lines after \
                 the shutdown. Each reader must check for the shutdown before it takes another \
                 line (a `select!` that is not `biased` picks a ready line half the time)",
                &taken[heard.len()..]
            );
            assert_eq!(
                taken, heard,
                "round {round}: the hub must have taken the sender's messages in order"
            );
            for (name, got) in &lists {
                assert!(
                    !(got.len() > heard.len() && got.starts_with(&heard)),
                    "round {round}: when the shutdown came, the hub had taken the sender's \
                     messages {heard:?}, yet client `{name}` then received {:?} too: the \
                     server went on reading lines after the shutdown. Each reader must check \
                     for the shutdown before it takes another line (a `select!` that is not \
                     `biased` picks a ready line half the time), and the writers may drain \
                     only once every reader has stopped",
                    &got[heard.len().min(got.len())..]
                );
                assert_eq!(
                    got, &heard,
                    "round {round}: client `{name}` must receive exactly the messages the hub \
                     had taken when the shutdown came (those the probe heard), in order, then \
                     the goodbye: no reader may take a line after the shutdown, and no writer \
                     may say goodbye before every reader has stopped"
                );
            }
        });
    }
}
