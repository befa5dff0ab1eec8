//! Rooms, nicks and notices, with members that read their inboxes.

use super::common;

use std::panic::{self, AssertUnwindSafe};

use chat_rooms::{Hub, JoinError, QUEUE_CAPACITY};
use common::{hub_test, join, lines};

#[test]
fn join_tells_the_others_in_the_room_not_the_joiner() {
    hub_test(|hub| {
        let mut alice = join(&hub, "alice", "lobby");
        assert_eq!(
            lines(&mut alice.inbox),
            Vec::<String>::new(),
            "alice joined an empty lobby: nobody, and least of all alice, must be told"
        );
        let mut bob = join(&hub, "bob", "lobby");
        assert_eq!(
            lines(&mut alice.inbox),
            ["* bob joined lobby"],
            "bob joined the lobby: alice, in the lobby, must find exactly this notice in her \
             inbox as soon as join returns"
        );
        assert_eq!(
            lines(&mut bob.inbox),
            Vec::<String>::new(),
            "the join notice goes to the OTHER members of the room: bob must not be told that \
             he joined"
        );
    });
}

#[test]
fn a_line_reaches_the_others_in_the_room() {
    hub_test(|hub| {
        let mut alice = join(&hub, "alice", "lobby");
        let mut bob = join(&hub, "bob", "lobby");
        let mut carol = join(&hub, "carol", "lobby");
        lines(&mut alice.inbox);
        lines(&mut bob.inbox);
        hub.say(alice.id, "hello");
        hub.say(alice.id, "how are you?");
        for (nick, inbox) in [("bob", &mut bob.inbox), ("carol", &mut carol.inbox)] {
            assert_eq!(
                lines(inbox),
                ["alice: hello", "alice: how are you?"],
                "alice said two lines in the lobby: {nick}, in the lobby too, must find both, \
                 as \"{{nick}}: {{text}}\", in order, as soon as say returns (no task, no \
                 waiting)"
            );
        }
    });
}

#[test]
fn a_line_is_not_echoed_to_its_sender() {
    hub_test(|hub| {
        let mut alice = join(&hub, "alice", "lobby");
        let _bob = join(&hub, "bob", "lobby");
        lines(&mut alice.inbox);
        hub.say(alice.id, "hello");
        assert_eq!(
            lines(&mut alice.inbox),
            Vec::<String>::new(),
            "alice said \"hello\": the line goes to the OTHER members of her room, never back \
             to alice (her client shows what she typed already)"
        );
    });
}

#[test]
fn a_line_stays_in_its_room() {
    hub_test(|hub| {
        let mut carol = join(&hub, "carol", "garden");
        let alice = join(&hub, "alice", "lobby");
        let mut bob = join(&hub, "bob", "lobby");
        assert_eq!(
            lines(&mut carol.inbox),
            Vec::<String>::new(),
            "alice and bob joined the lobby: carol, in the garden, must hear nothing of it"
        );
        hub.say(alice.id, "hello lobby");
        lines(&mut bob.inbox);
        assert_eq!(
            lines(&mut carol.inbox),
            Vec::<String>::new(),
            "alice spoke in the lobby: carol, in the garden, must not get the line (a line \
             goes to the sender's room only, not to every room)"
        );
        hub.say(carol.id, "hello garden");
        assert_eq!(
            lines(&mut bob.inbox),
            Vec::<String>::new(),
            "carol spoke in the garden, alone: bob, in the lobby, must not get the line"
        );
    });
}

#[test]
fn members_lists_a_room_sorted() {
    hub_test(|hub| {
        let _carol = join(&hub, "carol", "lobby");
        let _alice = join(&hub, "alice", "lobby");
        let _dave = join(&hub, "dave", "garden");
        let _bob = join(&hub, "bob", "lobby");
        assert_eq!(
            hub.members("lobby"),
            ["alice", "bob", "carol"],
            "members(\"lobby\") must list the nicks of the lobby only, sorted"
        );
        assert_eq!(
            hub.members("garden"),
            ["dave"],
            "members(\"garden\") must list dave only"
        );
        assert_eq!(
            hub.members("attic"),
            Vec::<String>::new(),
            "members of a room nobody is in: an empty list"
        );
    });
}

#[test]
fn a_nick_must_be_short_and_plain() {
    hub_test(|hub| {
        let longest = "a".repeat(16);
        let mut kept = Vec::new(); // keeps their inboxes open
        for nick in ["x", "Bob_the-2nd", longest.as_str()] {
            match hub.join(nick, "lobby") {
                Ok(membership) => kept.push(membership),
                Err(error) => panic!(
                    "join({nick:?}) must be accepted (1 to 16 ASCII letters, digits, '_' or \
                     '-'), it returned Err({error:?})"
                ),
            }
        }
        let too_long = "b".repeat(17);
        for (nick, why) in [
            ("", "an empty nick"),
            (too_long.as_str(), "17 characters, one more than 16"),
            ("al ice", "a space"),
            ("alice!", "a '!'"),
            ("zoë", "a letter that is not ASCII"),
            ("bob\n", "a newline (it would break the line protocol)"),
            ("a.b", "a '.'"),
            ("a/b", "a '/' (commands start with it)"),
            (
                "a:b",
                "a ':' (a message goes out as `{nick}: {text}`, so it would look like one)",
            ),
        ] {
            let result = hub.join(nick, "lobby").map(|membership| membership.id);
            assert_eq!(
                result,
                Err(JoinError::InvalidNick),
                "join({nick:?}) must be refused with InvalidNick: {why}"
            );
        }
        assert_eq!(
            hub.members("lobby").len(),
            3,
            "only the three valid nicks may be members, got {:?}",
            hub.members("lobby")
        );
    });
}

#[test]
fn a_nick_is_unique_across_the_whole_hub() {
    hub_test(|hub| {
        let _alice = join(&hub, "alice", "lobby");
        assert_eq!(
            hub.join("alice", "lobby").map(|m| m.id),
            Err(JoinError::NickTaken),
            "a second alice in the lobby must be refused with NickTaken"
        );
        assert_eq!(
            hub.join("alice", "garden").map(|m| m.id),
            Err(JoinError::NickTaken),
            "a second alice in ANOTHER room must be refused too: a nick is unique in the \
             whole hub, not per room (a member can switch rooms)"
        );
        assert_eq!(
            hub.members("lobby"),
            ["alice"],
            "a refused join must not add a member"
        );
        assert_eq!(
            hub.members("garden"),
            Vec::<String>::new(),
            "a refused join must not add a member"
        );
    });
}

#[test]
fn leave_tells_the_room_and_frees_the_nick() {
    hub_test(|hub| {
        let alice = join(&hub, "alice", "lobby");
        let mut bob = join(&hub, "bob", "lobby");
        let mut carol = join(&hub, "carol", "garden");
        hub.leave(alice.id);
        assert_eq!(
            lines(&mut bob.inbox),
            ["* alice left lobby"],
            "alice left the lobby: bob, in the lobby, must get exactly this notice"
        );
        assert_eq!(
            lines(&mut carol.inbox),
            Vec::<String>::new(),
            "alice left the lobby: carol, in the garden, must hear nothing of it"
        );
        assert_eq!(
            hub.members("lobby"),
            ["bob"],
            "after alice left, the lobby holds bob only"
        );
        let again = hub.join("alice", "garden").map(|m| m.id);
        assert!(
            again.is_ok(),
            "alice left, so her nick is free: join(\"alice\", ..) must succeed, it returned \
             {again:?} (is the nick still recorded somewhere?)"
        );
    });
}

#[test]
fn leaving_twice_is_harmless() {
    hub_test(|hub| {
        let alice = join(&hub, "alice", "lobby");
        let mut bob = join(&hub, "bob", "lobby");
        hub.leave(alice.id);
        calmly("leave, a second time,", || hub.leave(alice.id));
        assert_eq!(
            lines(&mut bob.inbox),
            ["* alice left lobby"],
            "alice left twice: bob must get ONE notice (the second leave does nothing)"
        );
        calmly("say, after leave,", || {
            hub.say(alice.id, "am I still here?")
        });
        calmly("switch, after leave,", || hub.switch(alice.id, "garden"));
        assert_eq!(
            lines(&mut bob.inbox),
            Vec::<String>::new(),
            "say and switch with the id of a member who left must do nothing"
        );
        assert_eq!(
            (hub.members("lobby"), hub.members("garden")),
            (vec!["bob".to_owned()], vec![]),
            "say and switch with the id of a member who left must do nothing"
        );
    });
}

/// Runs `call`, turning a panic into a failure that says what was expected.
fn calmly(what: &str, call: impl FnOnce()) {
    let outcome = panic::catch_unwind(AssertUnwindSafe(call));
    assert!(
        outcome.is_ok(),
        "{what} with the id of a member who already left, panicked (message above): it must \
         do nothing. The id may be stale: its connection's task can call leave after the hub \
         removed a slow member"
    );
}

#[test]
fn switch_moves_a_member_to_another_room() {
    hub_test(|hub| {
        let mut alice = join(&hub, "alice", "lobby");
        let mut bob = join(&hub, "bob", "lobby");
        let mut carol = join(&hub, "carol", "garden");
        lines(&mut alice.inbox);
        hub.switch(alice.id, "garden");
        assert_eq!(
            lines(&mut bob.inbox),
            ["* alice left lobby"],
            "alice switched from the lobby to the garden: bob, in the lobby she left, must get \
             exactly \"* alice left lobby\""
        );
        assert_eq!(
            lines(&mut carol.inbox),
            ["* alice joined garden"],
            "alice switched from the lobby to the garden: carol, in the garden, must get \
             exactly \"* alice joined garden\""
        );
        assert_eq!(
            lines(&mut alice.inbox),
            Vec::<String>::new(),
            "alice switched rooms: the notices go to the others, never to alice"
        );
        assert_eq!(
            (hub.members("lobby"), hub.members("garden")),
            (
                vec!["bob".to_owned()],
                vec!["alice".to_owned(), "carol".to_owned()]
            ),
            "after the switch alice is in the garden, and no longer in the lobby: \
             (members of the lobby, members of the garden)"
        );
        hub.say(alice.id, "hi garden");
        assert_eq!(
            lines(&mut carol.inbox),
            ["alice: hi garden"],
            "alice speaks in the garden now: carol must get her line"
        );
        assert_eq!(
            lines(&mut bob.inbox),
            Vec::<String>::new(),
            "alice speaks in the garden now: bob, in the lobby, must not get her line"
        );
    });
}

#[test]
fn switch_to_the_room_one_is_in_does_nothing() {
    hub_test(|hub| {
        let alice = join(&hub, "alice", "lobby");
        let mut bob = join(&hub, "bob", "lobby");
        hub.switch(alice.id, "lobby");
        assert_eq!(
            lines(&mut bob.inbox),
            Vec::<String>::new(),
            "alice \"switched\" to the lobby, where she already is: nothing happens, no notice"
        );
        assert_eq!(
            hub.members("lobby"),
            ["alice", "bob"],
            "alice must be in the lobby once, as before"
        );
    });
}

#[test]
fn clones_share_one_hub() {
    fn shareable<T: Clone + Send + Sync + 'static>() {}
    // Every connection's task holds a clone, on whatever thread it runs.
    shareable::<Hub>();
    hub_test(|hub| {
        let other = hub.clone();
        let mut alice = join(&hub, "alice", "lobby");
        let bob = join(&other, "bob", "lobby");
        let mut members = hub.members("lobby");
        members.sort();
        assert_eq!(
            members,
            ["alice", "bob"],
            "bob joined through a clone of the hub: the original must see him (clones share \
             one state)"
        );
        lines(&mut alice.inbox);
        other.say(bob.id, "hi");
        assert_eq!(
            lines(&mut alice.inbox),
            ["bob: hi"],
            "bob spoke through a clone: alice must get the line"
        );
        assert_eq!(QUEUE_CAPACITY, 16, "QUEUE_CAPACITY is part of the contract");
    });
}
