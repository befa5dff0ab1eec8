// The chat server's behaviour, seen by real clients on loopback sockets.
//
// This file is included by `tests/server.rs` here and by the next step's
// tests, which serve the same protocol. The file that includes it names the
// crate under test `chat` and defines `spawn_server(listener, hub)`, which
// starts that crate's server on the test's runtime.

use std::collections::BTreeSet;
use std::net::SocketAddr;
use std::time::Duration;

use chat::{Hub, MAX_LINE, Membership, QUEUE_CAPACITY};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;
use workbook_support::net::{
    LineClient, REPLY_WAIT, bind, connect_with_small_receive_buffer, on_tokio, reset,
};

/// Every test ends well within this, or fails saying what it waited for.
const LIMIT: Duration = Duration::from_secs(20);

/// A server on a fresh loopback port, with a hub the test can look into.
async fn start() -> (SocketAddr, Hub) {
    let (listener, addr) = bind().await;
    let hub = Hub::new();
    spawn_server(listener, hub.clone());
    (addr, hub)
}

/// Connects, gives `nick`, and waits for the welcome.
async fn join(addr: SocketAddr, nick: &str) -> LineClient {
    let mut client = LineClient::connect(nick, addr).await;
    client.send_line(nick).await;
    let welcome = client.recv_line("the welcome line").await;
    assert_eq!(
        welcome,
        format!("* welcome {nick}"),
        "a client that sends the free nick `{nick}` as its first line must be welcomed \
         with `* welcome {nick}`"
    );
    client
}

/// Reads lines until `wanted` arrives, failing on anything else that is not
/// a notice (a line starting with `* `). Returns the notices skipped.
async fn recv_skipping_notices(client: &mut LineClient, wanted: &str) -> Vec<String> {
    let mut notices = Vec::new();
    loop {
        let line = client.recv_line(&format!("`{wanted}`")).await;
        if line == wanted {
            return notices;
        }
        assert!(
            line.starts_with("* "),
            "client `{}` waited for `{wanted}` and received `{line}` instead",
            client.name()
        );
        notices.push(line);
    }
}

#[test]
fn welcomes_a_client_by_its_nick() {
    on_tokio(LIMIT, || async {
        let (addr, hub) = start().await;
        let _ada = join(addr, "ada").await;
        assert_eq!(
            hub.members("lobby"),
            ["ada"],
            "once welcomed, the client must be a member of the room `lobby` in the hub"
        );
    });
}

#[test]
fn refuses_taken_and_invalid_nicks_and_lets_the_client_try_again() {
    on_tokio(LIMIT, || async {
        let (addr, hub) = start().await;
        let _ada = join(addr, "ada").await;
        let mut other = LineClient::connect("other", addr).await;
        other.send_line("ada").await;
        assert_eq!(
            other.recv_line("the answer to a taken nick").await,
            "! nick taken",
            "a nick another member has must be refused with `! nick taken`"
        );
        other.send_line("not a nick!").await;
        assert_eq!(
            other.recv_line("the answer to an invalid nick").await,
            "! invalid nick",
            "a nick with spaces or punctuation must be refused with `! invalid nick`"
        );
        other.send_line("bob").await;
        assert_eq!(
            other.recv_line("the welcome after two refusals").await,
            "* welcome bob",
            "after a refused nick the connection must stay open and take the next line as \
             a new try"
        );
        assert_eq!(hub.members("lobby"), ["ada", "bob"], "both must be in the lobby");
    });
}

#[test]
fn a_message_reaches_the_others_in_the_room_but_not_its_sender() {
    on_tokio(LIMIT, || async {
        let (addr, _hub) = start().await;
        let mut ada = join(addr, "ada").await;
        let mut bob = join(addr, "bob").await;
        let mut cy = join(addr, "cy").await;
        ada.send_line("hello, room").await;
        recv_skipping_notices(&mut bob, "ada: hello, room").await;
        recv_skipping_notices(&mut cy, "ada: hello, room").await;
        bob.send_line("hi ada").await;
        let notices = recv_skipping_notices(&mut ada, "bob: hi ada").await;
        assert_eq!(
            notices,
            ["* bob joined lobby", "* cy joined lobby"],
            "`ada` must see the others join, and never its own message echoed back"
        );
    });
}

#[test]
fn join_moves_a_member_to_another_room() {
    on_tokio(LIMIT, || async {
        let (addr, hub) = start().await;
        let mut ada = join(addr, "ada").await;
        let mut bob = join(addr, "bob").await;
        let mut cy = join(addr, "cy").await;
        bob.send_line("/join attic").await;
        let notices = recv_skipping_notices(&mut bob, "* now in attic").await;
        assert_eq!(
            notices,
            ["* cy joined lobby"],
            "`/join ROOM` must be answered with `* now in ROOM` once the member is there"
        );
        assert_eq!(hub.members("attic"), ["bob"], "bob must be in the attic");
        cy.send_line("/join attic").await;
        recv_skipping_notices(&mut cy, "* now in attic").await;
        ada.send_line("anyone?").await;
        bob.send_line("up here").await;
        recv_skipping_notices(&mut cy, "bob: up here").await;
        let notices = recv_skipping_notices(&mut ada, "* cy left lobby").await;
        assert_eq!(
            notices,
            ["* bob joined lobby", "* cy joined lobby", "* bob left lobby"],
            "ada, in the lobby, must see bob leave and must not hear the attic"
        );
        cy.send_line("/join bad room!").await;
        assert_eq!(
            cy.recv_line("the answer to an invalid room").await,
            "! invalid room",
            "a room name follows the rules of nicks; another one is refused"
        );
    });
}

#[test]
fn fifty_clients_in_one_room_each_hear_all_the_others() {
    const CLIENTS: usize = 50;
    // Senders talk in groups smaller than a queue, so that no correct server
    // drops a client for being slow while the test reads.
    const GROUP: usize = QUEUE_CAPACITY / 2;
    on_tokio(LIMIT, || async {
        let (addr, hub) = start().await;
        let mut clients = Vec::new();
        for n in 0..CLIENTS {
            clients.push(join(addr, &format!("c{n:02}")).await);
        }
        assert_eq!(
            hub.members("lobby").len(),
            CLIENTS,
            "all {CLIENTS} clients must be connected at once, each with its own task"
        );
        for first in (0..CLIENTS).step_by(GROUP) {
            let group = first..(first + GROUP).min(CLIENTS);
            for n in group.clone() {
                clients[n].send_line(&format!("message from c{n:02}")).await;
            }
            let reads = clients.iter_mut().enumerate().map(|(me, client)| {
                let group = group.clone();
                async move {
                    let mut expected: BTreeSet<String> = group
                        .filter(|&n| n != me)
                        .map(|n| format!("c{n:02}: message from c{n:02}"))
                        .collect();
                    while !expected.is_empty() {
                        let line = client
                            .recv_line(&format!("the messages of clients {first}.."))
                            .await;
                        if line.starts_with("* ") {
                            continue; // others joining
                        }
                        assert!(
                            expected.remove(&line),
                            "client `{}` received `{line}`, which is not one of the messages \
                             it still waited for: {expected:?}",
                            client.name()
                        );
                    }
                }
            });
            futures::future::join_all(reads).await;
        }
    });
}

#[test]
fn a_line_sent_in_pieces_arrives_whole_while_messages_come_in() {
    on_tokio(LIMIT, || async {
        let (addr, _hub) = start().await;
        let mut ada = join(addr, "ada").await;
        let mut bob = join(addr, "bob").await;
        let mut cy = join(addr, "cy").await;
        let line = "this line comes one byte at a time";
        tokio::join!(ada.send_bytewise(format!("{line}\n")), async {
            for n in 0..10 {
                bob.send_line(&format!("tick {n}")).await;
                tokio::task::yield_now().await;
            }
        });
        let mut ticks = 0;
        loop {
            let got = cy.recv_line(&format!("`ada: {line}`")).await;
            if got == format!("ada: {line}") {
                break;
            }
            if got.starts_with("bob: tick") {
                ticks += 1;
                continue;
            }
            assert!(
                got.starts_with("* "),
                "cy waited for ada's line, sent in pieces while bob's messages arrived for \
                 ada, and received `{got}`: was part of the line lost when ada's connection \
                 turned to writing?"
            );
        }
        while ticks < 10 {
            let got = cy.recv_line("the rest of bob's ticks").await;
            assert!(got.starts_with("bob: tick"), "cy expected bob's ticks, got `{got}`");
            ticks += 1;
        }
    });
}

#[test]
fn invalid_utf8_is_answered_and_the_connection_carries_on() {
    on_tokio(LIMIT, || async {
        let (addr, _hub) = start().await;
        let mut ada = join(addr, "ada").await;
        let mut bob = join(addr, "bob").await;
        assert_eq!(ada.recv_line("bob joining").await, "* bob joined lobby");
        ada.send(b"caf\xc3 au \xff lait\n").await;
        assert_eq!(
            ada.recv_line("the answer to a line that is not UTF-8").await,
            "! invalid utf-8",
            "a line whose bytes are not UTF-8 must be answered with `! invalid utf-8`"
        );
        ada.send_line("still here").await;
        recv_skipping_notices(&mut bob, "ada: still here").await;
        ada.send("caf\u{e9}\n").await;
        recv_skipping_notices(&mut bob, "ada: caf\u{e9}").await;
    });
}

#[test]
fn an_over_long_line_is_refused_before_it_ends_and_skipped() {
    on_tokio(LIMIT, || async {
        let (addr, _hub) = start().await;
        let mut ada = join(addr, "ada").await;
        let mut bob = join(addr, "bob").await;
        assert_eq!(ada.recv_line("bob joining").await, "* bob joined lobby");
        let longest = "m".repeat(MAX_LINE);
        ada.send_line(&longest).await;
        recv_skipping_notices(&mut bob, &format!("ada: {longest}")).await;

        // 64 KiB and no newline yet: the server must not wait for the end.
        ada.send(vec![b'x'; 64 * 1024]).await;
        assert_eq!(
            ada.recv_line("the answer to a line longer than MAX_LINE, before its newline")
                .await,
            "! line too long",
            "a line must be refused as soon as it passes MAX_LINE bytes, without waiting for \
             its end (a server that waits would have to hold all of it)"
        );
        ada.send(vec![b'y'; 64 * 1024]).await;
        ada.send("the end of the long line\nshort again\n").await;
        let notices = recv_skipping_notices(&mut bob, "ada: short again").await;
        assert!(
            notices.is_empty(),
            "bob must hear nothing of the long line, not even its end: got {notices:?}"
        );
        bob.send_line("ok").await;
        assert_eq!(
            ada.recv_line("bob's answer").await,
            "bob: ok",
            "one over-long line must get one `! line too long`, and the connection must \
             then go on as before"
        );
    });
}

#[test]
fn a_client_that_vanishes_is_removed_and_its_nick_freed() {
    on_tokio(LIMIT, || async {
        let (addr, hub) = start().await;
        let mut ada = join(addr, "ada").await;
        let bob = join(addr, "bob").await;
        drop(bob); // closes the connection, without `/quit`
        recv_skipping_notices(&mut ada, "* bob left lobby").await;
        assert_eq!(
            hub.members("lobby"),
            ["ada"],
            "a client whose connection closed must leave the hub"
        );
        let _bob = join(addr, "bob").await;
    });
}

#[test]
fn a_client_whose_connection_is_reset_is_removed_and_its_nick_freed() {
    on_tokio(LIMIT, || async {
        let (addr, hub) = start().await;
        let mut ada = join(addr, "ada").await;
        // A plain stream, never split, so that `reset` below sends a reset
        // (RST) with no end of stream (FIN) before it: the server's next
        // read fails instead of returning 0.
        let mut cy = TcpStream::connect(addr).await.expect("client `cy` could not connect");
        cy.write_all(b"cy\n").await.expect("client `cy` could not send its nick");
        let mut welcome = Vec::new();
        while !welcome.ends_with(b"\n") {
            let mut byte = [0u8; 1];
            match tokio::time::timeout(REPLY_WAIT, cy.read(&mut byte)).await {
                Ok(Ok(1)) => welcome.push(byte[0]),
                other => panic!(
                    "client `cy` waited for its welcome and got {other:?} after {:?}",
                    String::from_utf8_lossy(&welcome)
                ),
            }
        }
        assert_eq!(welcome, b"* welcome cy\n", "client `cy` must be welcomed first");
        recv_skipping_notices(&mut ada, "* cy joined lobby").await;
        reset(cy);
        loop {
            match ada.try_recv_line().await {
                Ok(Some(line)) if line == "* cy left lobby" => break,
                Ok(Some(line)) => assert!(
                    line.starts_with("* "),
                    "ada waited for `* cy left lobby` and received `{line}`"
                ),
                Ok(None) => panic!("the server closed ada's connection when cy's was reset"),
                Err(waited) => panic!(
                    "cy's connection was reset (the client vanished without closing), and \
                     {waited:?} later ada had still not received `* cy left lobby`: a read \
                     that fails with an error must end the connection like the end of the \
                     stream does, and the member must leave the hub (does the reader \
                     `expect` or `?` its way out of the task before leaving?)"
                ),
            }
        }
        assert_eq!(
            hub.members("lobby"),
            ["ada"],
            "a client whose connection was reset must leave the hub"
        );
        let _cy = join(addr, "cy").await;
    });
}

#[test]
fn a_client_that_never_sends_its_nick_holds_up_no_one() {
    on_tokio(LIMIT, || async {
        let (addr, _hub) = start().await;
        let _shy = LineClient::connect("shy", addr).await; // connects, then says nothing
        let mut ada = LineClient::connect("ada", addr).await;
        ada.send_line("ada").await;
        match ada.try_recv_line().await {
            Ok(Some(line)) => assert_eq!(
                line, "* welcome ada",
                "a client that sends the free nick `ada` must be welcomed"
            ),
            Ok(None) => panic!("the server closed ada's connection instead of welcoming it"),
            Err(waited) => panic!(
                "ada sent its nick and waited {waited:?} for the welcome, while `shy`, \
                 connected just before, had sent nothing: does the accept loop wait for a \
                 client's nick before it accepts the next one? Reading the nick belongs in \
                 the connection's own task"
            ),
        }
    });
}

#[test]
fn a_carriage_return_before_the_newline_is_not_part_of_the_line() {
    on_tokio(LIMIT, || async {
        let (addr, _hub) = start().await;
        let mut ada = LineClient::connect("ada", addr).await;
        ada.send("ada\r\n").await;
        assert_eq!(
            ada.recv_line("the welcome").await,
            "* welcome ada",
            "a nick sent as `ada\\r\\n` (as telnet and Windows clients end lines) is the nick \
             `ada`: a `\\r` just before the newline belongs to the line's end, not to the line"
        );
        let mut bob = join(addr, "bob").await;
        ada.send("hello\r\n").await;
        let line = loop {
            let line = bob.recv_line("ada's message").await;
            if !line.starts_with("* ") {
                break line;
            }
        };
        assert_eq!(
            line, "ada: hello",
            "ada sent `hello\\r\\n`: the others must receive `ada: hello`, without the `\\r` \
             (got {line:?})"
        );
    });
}

#[test]
fn a_line_one_byte_over_the_limit_is_too_long() {
    on_tokio(LIMIT, || async {
        let (addr, _hub) = start().await;
        let mut ada = join(addr, "ada").await;
        let mut bob = join(addr, "bob").await;
        assert_eq!(ada.recv_line("bob joining").await, "* bob joined lobby");
        ada.send_line(&"m".repeat(MAX_LINE + 1)).await;
        match ada.try_recv_line().await {
            Ok(Some(line)) => assert_eq!(
                line,
                "! line too long",
                "a line of MAX_LINE + 1 bytes must be answered with `! line too long`"
            ),
            Ok(None) => panic!("the server closed ada's connection after a line one byte too long"),
            Err(waited) => panic!(
                "ada sent a line of MAX_LINE + 1 = {} bytes (then its newline) and waited \
                 {waited:?} for `! line too long`: the line is one byte over the limit, yet \
                 the server took it as a message. MAX_LINE counts the bytes of the line \
                 without its newline; is the check off by one (`> MAX_LINE + 1`, or the \
                 newline counted in the limit)?",
                MAX_LINE + 1
            ),
        }
        ada.send_line("after").await;
        let notices = recv_skipping_notices(&mut bob, "ada: after").await;
        assert!(notices.is_empty(), "bob must hear nothing of the long line: got {notices:?}");
    });
}

#[test]
fn a_nick_is_taken_as_sent_not_trimmed() {
    on_tokio(LIMIT, || async {
        let (addr, hub) = start().await;
        let mut ada = LineClient::connect("ada", addr).await;
        for nick in [" ada", "ada "] {
            ada.send_line(nick).await;
            assert_eq!(
                ada.recv_line(&format!("the answer to the nick {nick:?}")).await,
                "! invalid nick",
                "the nick line {nick:?} has a space, and a nick may not: it must be refused \
                 with `! invalid nick`, not trimmed into `ada`"
            );
        }
        assert_eq!(hub.members("lobby"), Vec::<String>::new(), "no one may have joined");
    });
}

#[test]
fn only_the_exact_line_quit_quits() {
    on_tokio(LIMIT, || async {
        let (addr, _hub) = start().await;
        let mut ada = join(addr, "ada").await;
        let mut bob = join(addr, "bob").await;
        ada.send_line("/quitter").await;
        let line = loop {
            let line = bob.recv_line("ada's message `/quitter`").await;
            if !line.starts_with("* ") {
                break line;
            }
            assert_ne!(
                line, "* ada left lobby",
                "ada sent `/quitter` and left: only the whole line `/quit` quits, \
                 `/quitter` is an ordinary message"
            );
        };
        assert_eq!(
            line, "ada: /quitter",
            "`/quitter` is not `/quit`: it must reach the others as a message"
        );
        bob.send_line("still there?").await;
        let notices = recv_skipping_notices(&mut ada, "bob: still there?").await;
        assert!(
            !notices.iter().any(|n| n.contains("ada left")),
            "after `/quitter`, ada's connection must stay open: got {notices:?}"
        );
    });
}

#[test]
fn the_welcome_comes_before_any_chat_line_even_in_a_busy_room() {
    for round in 0..10 {
        on_tokio(LIMIT, move || async move {
            let (addr, hub) = start().await;
            // A member that lives in the hub itself, as a task: it greets
            // `bob` the moment he is a member, so that a line for him is queued
            // before his connection has written anything. The task wakes
            // itself at every poll: on this single-threaded runtime it runs
            // again before any task spawned after its last poll.
            let Membership { id, mut inbox } = hub.join("greeter", "lobby").expect("join");
            let greeter_hub = hub.clone();
            tokio::spawn(std::future::poll_fn(move |cx| {
                while inbox.try_recv().is_ok() {} // keeps its queue from filling up
                if greeter_hub.members("lobby").iter().any(|nick| nick == "bob") {
                    greeter_hub.say(id, "hi bob");
                    return std::task::Poll::Ready(());
                }
                cx.waker().wake_by_ref();
                std::task::Poll::Pending
            }));
            let mut bob = LineClient::connect("bob", addr).await;
            bob.send_line("bob").await;
            let first = bob.try_recv_line().await;
            match first {
                Ok(Some(line)) => assert_eq!(
                    line, "* welcome bob",
                    "round {round}: bob's first line must be his welcome, even when someone \
                     talks to him the moment he joins. Once bob is in the hub, lines for him \
                     queue up at once; a welcome that goes through the same writer as those \
                     lines (through a channel it picks from, say) can come after them. Write \
                     it before any line from the hub can go out"
                ),
                Ok(None) => panic!("round {round}: bob's connection closed before any line"),
                Err(waited) => panic!("round {round}: bob waited {waited:?} for his welcome"),
            }
        });
    }
}

#[test]
fn quit_leaves_the_room_and_closes_the_connection() {
    on_tokio(LIMIT, || async {
        let (addr, _hub) = start().await;
        let mut ada = join(addr, "ada").await;
        let mut bob = join(addr, "bob").await;
        bob.send_line("/quit").await;
        bob.expect_closed("bob sent `/quit`").await;
        recv_skipping_notices(&mut ada, "* bob left lobby").await;
        let _bob = join(addr, "bob").await;
    });
}

#[test]
fn a_client_that_never_reads_is_dropped_and_stalls_no_one() {
    // Far more than a queue and the socket buffers of a client that reads
    // nothing; each message is about a kilobyte.
    const MAX_MESSAGES: usize = 20_000;
    on_tokio(LIMIT, || async {
        let (addr, hub) = start().await;
        // A small receive buffer, so that the kernel fills up sooner.
        let stream = connect_with_small_receive_buffer(addr).await;
        let mut slow = LineClient::from_stream("slow", stream);
        slow.send_line("slow").await;
        let mut talker = join(addr, "talker").await;
        let mut listener = join(addr, "listener").await;
        let filler = "z".repeat(1000);
        let mut sent = 0;
        loop {
            assert!(
                sent < MAX_MESSAGES,
                "the talker sent {MAX_MESSAGES} messages, but the client that reads nothing \
                 is still in the room: is every connection's writing separate from the \
                 others, so that its queue in the hub can fill up?"
            );
            talker.send_line(&format!("{sent} {filler}")).await;
            let wanted = format!("talker: {sent} {filler}");
            let notices = recv_skipping_notices(&mut listener, &wanted).await;
            sent += 1;
            if notices.iter().any(|n| n == "* slow left lobby") {
                break;
            }
        }
        assert_eq!(
            hub.members("lobby"),
            ["listener", "talker"],
            "the client that reads nothing must be out of the hub"
        );
        let _ = recv_skipping_notices(&mut talker, "* slow left lobby").await;
        // Once it reads, the slow client gets what was already queued for it,
        // and then the end of the stream: its connection is closed.
        let rest = slow.expect_closed("the hub dropped it as too slow").await;
        let numbers: Vec<usize> = rest
            .iter()
            .filter_map(|line| line.strip_prefix("talker: "))
            .map(|line| line.split(' ').next().unwrap_or("").parse().unwrap_or(usize::MAX))
            .collect();
        assert!(
            numbers.iter().enumerate().all(|(n, &got)| n == got),
            "the slow client must receive the talker's messages in order, from the first, \
             up to where the hub dropped it; it received the numbers {numbers:?}"
        );
        let _slow = join(addr, "slow").await;
    });
}
