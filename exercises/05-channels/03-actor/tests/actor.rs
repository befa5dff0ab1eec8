use std::time::Duration;

use actor::{Gone, Handle, Map};
use tokio::task::JoinHandle;
use tokio::time::{sleep, timeout};
use workbook_support::on_paused_tokio;

const LIMIT: Duration = Duration::from_secs(5);

/// Lets every task run until all of them wait: on paused time, this
/// sleep ends only once the runtime has nothing else to do.
async fn settle() {
    sleep(Duration::from_secs(3600)).await;
}

/// What a request answered, or a failure that says why there was no answer.
async fn answer<F>(request: F, what: &str) -> Option<String>
where
    F: Future<Output = Result<Option<String>, Gone>>,
{
    match timeout(Duration::from_secs(3600), request).await {
        Ok(Ok(answer)) => answer,
        Ok(Err(Gone)) => panic!(
            "{what} returned Err(Gone): its reply never came, though a handle was alive (the \
             one making the request). Likely causes: the actor dropped the reply's sender \
             without sending (a request it does not answer, or answers only in some cases), or \
             the actor stopped early: after one request, or when a clone of the handle was \
             dropped; or the request was never queued, because the queue was full and the \
             handle did not wait for room."
        ),
        Err(_) => panic!(
            "{what} waited an hour (of paused time) for its reply, and none came. Likely \
             causes: the actor never receives the request (is its task started, does it loop?), \
             or never sends the reply."
        ),
    }
}

/// Waits for the actor's task to end; fails if it does not.
async fn stopped(actor: JoinHandle<Map>, why: &str) -> Map {
    match timeout(Duration::from_secs(3600), actor).await {
        Ok(Ok(map)) => map,
        Ok(Err(error)) => panic!(
            "the actor's task ended with an error instead of returning its map: {error}. Two \
             likely causes: when the last handle is dropped, receiving a request gives `None`: \
             end the loop there, do not unwrap it; and a caller may leave before its reply \
             comes (its future dropped), so sending a reply can fail: ignore that error."
        ),
        Err(_) => panic!(
            "{why}, but the actor was still running an hour (of paused time) later. Likely \
             cause: a `Sender` of the request channel is still alive outside the handles (one \
             kept by the actor itself, or a clone stored somewhere), so receiving never returns \
             `None`; or the loop does not end when it does."
        ),
    }
}

#[test]
fn set_then_get() {
    on_paused_tokio(LIMIT, || async {
        let (handle, _actor) = actor::spawn(4);
        assert_eq!(
            answer(handle.get("fruit"), "get(\"fruit\") on an empty map").await,
            None,
            "get on an empty map must be Ok(None)"
        );
        assert_eq!(
            answer(handle.set("fruit", "apple"), "set(\"fruit\", \"apple\")").await,
            None,
            "set on a new key must return Ok(None): there was no value before"
        );
        assert_eq!(
            answer(handle.get("fruit"), "get(\"fruit\")").await,
            Some("apple".to_owned()),
            "get must return the value set"
        );
        assert_eq!(
            answer(handle.set("fruit", "pear"), "set(\"fruit\", \"pear\")").await,
            Some("apple".to_owned()),
            "set on a key with a value must return Ok(Some(the value before))"
        );
        assert_eq!(
            answer(handle.get("fruit"), "get(\"fruit\")").await,
            Some("pear".to_owned()),
            "get must return the latest value set"
        );
    });
}

#[test]
fn every_client_gets_its_own_replies() {
    on_paused_tokio(LIMIT, || async {
        let (handle, _actor) = actor::spawn(2);
        let mut clients = Vec::new();
        for client in 0..8 {
            let handle = handle.clone();
            clients.push(tokio::spawn(async move {
                let key = format!("key {client}");
                for round in 0..5 {
                    let value = format!("{client}.{round}");
                    let before = answer(handle.set(&key, &value), "set").await;
                    let expected = (round > 0).then(|| format!("{client}.{}", round - 1));
                    assert_eq!(
                        before, expected,
                        "client {client} set {key:?} to {value:?} and got back a reply that is not \
                         the value it had set before: replies reach the wrong caller, or the \
                         map is not the same for every clone"
                    );
                    let now = answer(handle.get(&key), "get").await;
                    assert_eq!(
                        now,
                        Some(value.clone()),
                        "client {client} got a reply for {key:?} that is not the value it had \
                         just set: replies reach the wrong caller (each request needs a reply \
                         channel of its own)"
                    );
                }
            }));
        }
        for client in clients {
            if let Err(error) = client.await {
                std::panic::resume_unwind(error.into_panic());
            }
        }
    });
}

#[test]
fn a_reply_reaches_only_the_caller_that_asked() {
    on_paused_tokio(LIMIT, || async {
        let (handle, _actor) = actor::spawn(4);
        answer(handle.set("a", "apple"), "set(\"a\", ..)").await;
        answer(handle.set("b", "banana"), "set(\"b\", ..)").await;
        // A caller asks for "a" and gives up before the reply comes.
        let gave_up = timeout(Duration::ZERO, handle.get("a")).await;
        assert!(
            gave_up.is_err(),
            "get(\"a\") was Ready on its first poll, before the actor could even run: a \
             request must wait for the actor's reply"
        );
        let b = answer(handle.get("b"), "get(\"b\")").await;
        assert_eq!(
            b,
            Some("banana".to_owned()),
            "get(\"b\") received the answer to another request. A caller that gave up left \
             its reply behind, and the next caller picked it up: replies travel on a channel \
             that requests share. Give each request a reply channel of its own, made for it and \
             dropped with it."
        );
    });
}

#[test]
fn runs_while_any_handle_remains() {
    on_paused_tokio(LIMIT, || async {
        let (first, actor) = actor::spawn(4);
        let second = first.clone();
        answer(first.set("kept", "yes"), "set").await;
        drop(first);
        settle().await;
        assert!(
            !actor.is_finished(),
            "one of two handles was dropped, and the actor stopped: it must run as long as any \
             handle is alive. Likely cause: something stops it when a handle is dropped (a \
             `Drop` on the handle that sends a request to stop), or it stops after a number of \
             requests."
        );
        assert_eq!(
            answer(second.get("kept"), "get through the remaining clone").await,
            Some("yes".to_owned()),
            "the remaining clone must reach the same actor and map"
        );
    });
}

#[test]
fn stops_and_returns_its_map_when_the_last_handle_is_dropped() {
    on_paused_tokio(LIMIT, || async {
        let (handle, actor) = actor::spawn(4);
        let clone = handle.clone();
        answer(handle.set("a", "1"), "set").await;
        answer(clone.set("b", "2"), "set").await;
        drop(handle);
        drop(clone);
        let map = stopped(actor, "every handle was dropped").await;
        let mut entries: Vec<_> = map.into_iter().collect();
        entries.sort();
        assert_eq!(
            entries,
            [
                ("a".to_owned(), "1".to_owned()),
                ("b".to_owned(), "2".to_owned())
            ],
            "the stopped actor's task must return its map"
        );
    });
}

#[test]
fn answers_the_queued_requests_before_it_stops() {
    on_paused_tokio(LIMIT, || async {
        let (handle, actor) = actor::spawn(8);
        // Five requests are queued, and their callers leave without waiting
        // for the replies (a timeout of zero gives up after the first poll).
        for key in ["a", "b", "c", "d", "e"] {
            let gave_up = timeout(Duration::ZERO, handle.set(key, "queued")).await;
            assert!(
                gave_up.is_err(),
                "set({key:?}, ..) was Ready on its first poll, before the actor could even \
                 run: a request must wait for the actor's reply"
            );
        }
        drop(handle);
        let map = stopped(actor, "every handle was dropped").await;
        let mut keys: Vec<_> = map.keys().cloned().collect();
        keys.sort();
        assert_eq!(
            keys,
            ["a", "b", "c", "d", "e"],
            "five requests were queued, then the last handle was dropped: the actor must carry \
             out every queued request, then stop (after the last handle is dropped, receiving \
             still gives the queued requests, then `None`)"
        );
    });
}

#[test]
fn a_handle_can_move_to_another_task() {
    fn assert_send_clone<T: Send + Sync + Clone + 'static>() {}
    assert_send_clone::<Handle>();
}
