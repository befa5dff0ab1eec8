//! Members who stop reading: the hub must never wait for them, and must
//! not keep them either.

use super::common;

use chat_rooms::QUEUE_CAPACITY;
use common::{after_the_lines, bounded, hub_test, join, lines, said, say_lines};

#[test]
fn say_never_waits_for_a_full_queue() {
    hub_test(|hub| {
        bounded("alice said 40 lines while bob read none", move || {
            let alice = hub.join("alice", "lobby").expect("join alice");
            let _bob = hub.join("bob", "lobby").expect("join bob"); // bob never reads
            for n in 1..=40 {
                hub.say(alice.id, &format!("line {n}"));
            }
        });
    });
}

#[test]
fn a_queue_holds_exactly_queue_capacity_lines() {
    hub_test(|hub| {
        let alice = join(&hub, "alice", "lobby");
        let _bob = join(&hub, "bob", "lobby"); // bob never reads
        for n in 1..=QUEUE_CAPACITY {
            say_lines(&hub, alice.id, "alice", n..=n);
            assert!(
                hub.members("lobby").contains(&"bob".to_owned()),
                "bob was removed after {n} unread lines: his queue must hold QUEUE_CAPACITY \
                 ({QUEUE_CAPACITY}) lines before he counts as too slow"
            );
        }
        let last = QUEUE_CAPACITY + 1;
        say_lines(&hub, alice.id, "alice", last..=last);
        assert_eq!(
            hub.members("lobby"),
            ["alice"],
            "bob's queue held QUEUE_CAPACITY ({QUEUE_CAPACITY}) unread lines and alice said one \
             more: bob must be removed from the hub. Is his queue unbounded or bigger than \
             QUEUE_CAPACITY, or does a full queue only lose the line and keep bob forever?"
        );
    });
}

#[test]
fn a_removed_member_gets_its_queued_lines_then_the_end() {
    hub_test(|hub| {
        let alice = join(&hub, "alice", "lobby");
        let mut bob = join(&hub, "bob", "lobby");
        say_lines(&hub, alice.id, "alice", 1..=QUEUE_CAPACITY + 1);
        assert_eq!(
            lines(&mut bob.inbox),
            said("alice", 1..=QUEUE_CAPACITY),
            "bob read nothing while alice said {} lines: his inbox must give back the \
             QUEUE_CAPACITY lines his queue held, in order, and no more",
            QUEUE_CAPACITY + 1
        );
        assert_eq!(
            after_the_lines(&mut bob.inbox),
            "ended",
            "bob was removed for being too slow: after his queued lines his inbox must END \
             (recv gives None), so that his connection can close. It is still open: a sender \
             of bob's queue is alive somewhere in the hub"
        );
    });
}

#[test]
fn the_room_hears_that_a_slow_member_was_removed() {
    hub_test(|hub| {
        let mut alice = join(&hub, "alice", "lobby");
        let mut carol = join(&hub, "carol", "lobby");
        let _bob = join(&hub, "bob", "lobby"); // bob never reads
        let mut dave = join(&hub, "dave", "garden");
        lines(&mut alice.inbox);
        lines(&mut carol.inbox);
        let mut carol_got = Vec::new();
        for n in 1..=QUEUE_CAPACITY + 1 {
            say_lines(&hub, alice.id, "alice", n..=n);
            carol_got.extend(lines(&mut carol.inbox)); // carol keeps up
        }
        let notice = "* bob left lobby".to_owned();
        let carol_lines: Vec<String> = carol_got
            .iter()
            .filter(|line| **line != notice)
            .cloned()
            .collect();
        assert_eq!(
            carol_lines,
            said("alice", 1..=QUEUE_CAPACITY + 1),
            "carol reads every line as it comes: she must get all of alice's lines, whatever \
             happens to bob"
        );
        let told = |got: &[String]| got.iter().filter(|line| **line == notice).count();
        assert_eq!(
            told(&carol_got),
            1,
            "bob was removed for being too slow: carol, in his room, must be told once with \
             \"* bob left lobby\"; she got {carol_got:?}"
        );
        let alice_got = lines(&mut alice.inbox);
        assert_eq!(
            alice_got,
            ["* bob left lobby"],
            "bob was removed for being too slow: alice, in his room, must be told too (she is \
             one of the others in that room, though her line is what filled bob's queue)"
        );
        assert_eq!(
            lines(&mut dave.inbox),
            Vec::<String>::new(),
            "dave, in the garden, must hear nothing of the lobby"
        );
    });
}

#[test]
fn a_slow_members_nick_is_free_again() {
    hub_test(|hub| {
        let alice = join(&hub, "alice", "lobby");
        let _bob = join(&hub, "bob", "lobby"); // bob never reads
        say_lines(&hub, alice.id, "alice", 1..=QUEUE_CAPACITY + 1);
        let again = hub.join("bob", "lobby").map(|m| m.id);
        assert!(
            again.is_ok(),
            "bob was removed for being too slow, so his nick is free: join(\"bob\", ..) must \
             succeed (he may reconnect), it returned {again:?}"
        );
    });
}

#[test]
fn a_notice_can_fill_a_queue_too() {
    hub_test(|hub| {
        let mut alice = join(&hub, "alice", "lobby");
        let mut carol = join(&hub, "carol", "lobby");
        let _bob = join(&hub, "bob", "lobby"); // bob never reads
        lines(&mut alice.inbox);
        lines(&mut carol.inbox);
        say_lines(&hub, alice.id, "alice", 1..=1);
        lines(&mut carol.inbox); // carol reads once, then stops
        say_lines(&hub, alice.id, "alice", 2..=QUEUE_CAPACITY + 1);
        // Now bob's queue overflowed and he is removed. Carol's queue holds
        // lines 2..=17, full: the notice that bob left cannot fit either.
        assert_eq!(
            hub.members("lobby"),
            ["alice"],
            "bob overflowed his queue with alice's line {}, and the notice \"* bob left lobby\" \
             found carol's queue full too: carol must be removed as well. A notice is a line \
             like any other; a full queue when sending one means the same",
            QUEUE_CAPACITY + 1
        );
        assert_eq!(
            lines(&mut alice.inbox),
            ["* bob left lobby", "* carol left lobby"],
            "alice must be told that bob left, then that carol left"
        );
        assert_eq!(
            lines(&mut carol.inbox),
            said("alice", 2..=QUEUE_CAPACITY + 1),
            "carol's inbox must give back the lines her queue held"
        );
        assert_eq!(
            after_the_lines(&mut carol.inbox),
            "ended",
            "carol was removed: her inbox must end after its lines"
        );
    });
}
