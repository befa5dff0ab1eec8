use std::future::Future;
use std::pin::pin;
use std::time::Duration;

use lazy::{Client, get};
use workbook_support::{Driver, Limits, Trace, on_paused_tokio, within};

const LIMIT: Duration = Duration::from_secs(5);

/// Awaits `future` on tokio's paused clock, failing the test instead of
/// hanging if it never finishes.
async fn bounded<F: Future>(future: F) -> F::Output {
    tokio::time::timeout(Duration::from_secs(10), future)
        .await
        .expect("the future never finished")
}

#[test]
fn building_the_future_sends_nothing() {
    within(LIMIT, || {
        let client = Client::new();
        let future = get(&client, "/a");
        assert!(
            client.sent().is_empty(),
            "get(&client, \"/a\") sent {:?} before its future was polled.\n\
             Building a future must do nothing: the request belongs inside the \
             future, so it goes out when the future is first polled.",
            client.sent()
        );
        drop(future);
    });
}

#[test]
fn dropping_an_unpolled_future_sends_nothing() {
    within(LIMIT, || {
        let client = Client::new();
        drop(get(&client, "/a"));
        assert_eq!(
            client.sent(),
            Vec::<String>::new(),
            "a future that was dropped without ever being polled must leave no trace"
        );
    });
}

#[test]
fn the_request_goes_out_on_the_first_poll() {
    within(LIMIT, || {
        let client = Client::new();
        let mut driver = Driver::new("get(&client, \"/a\")");
        let mut future = pin!(get(&client, "/a"));
        let first = driver.poll(future.as_mut());
        assert!(
            first.is_pending(),
            "the first poll of get(&client, \"/a\") returned {first:?}: it should send the \
             request and then wait for the reply, which is Pending on its first poll. Is the \
             reply from `client.reply(number)` awaited?"
        );
        assert_eq!(
            client.sent(),
            ["GET /a"],
            "the first poll should send the request, once, then wait for the reply"
        );
        let reply = driver.run(future, Limits::default());
        assert_eq!(reply, "reply #1 to GET /a", "the output of get");
        assert_eq!(
            client.sent(),
            ["GET /a"],
            "later polls must not send the request again"
        );
    });
}

#[test]
fn awaiting_sends_exactly_one_request() {
    on_paused_tokio(LIMIT, || async {
        let client = Client::new();
        let reply = bounded(get(&client, "/a")).await;
        assert_eq!(
            client.sent(),
            ["GET /a"],
            "awaiting get(&client, \"/a\") should send exactly one request"
        );
        assert_eq!(reply, "reply #1 to GET /a", "the output of get");
    });
}

#[test]
fn requests_go_out_in_the_order_they_are_awaited() {
    on_paused_tokio(LIMIT, || async {
        let client = Client::new();
        let a = get(&client, "/a");
        let b = get(&client, "/b");
        let reply_b = bounded(b).await;
        let reply_a = bounded(a).await;
        assert_eq!(
            client.sent(),
            ["GET /b", "GET /a"],
            "a was built before b, but b was awaited first, so b's request should go out first"
        );
        assert_eq!(
            [reply_b.as_str(), reply_a.as_str()],
            ["reply #1 to GET /b", "reply #2 to GET /a"],
            "request numbers should follow the order in which the futures ran"
        );
    });
}

/// Records each step a test takes, followed by the requests the client sent
/// during that step, so a snapshot shows exactly when each request went out.
struct Transcript<'c> {
    client: &'c Client,
    seen: usize,
    trace: Trace,
}

impl<'c> Transcript<'c> {
    fn new(client: &'c Client) -> Self {
        Self {
            client,
            seen: 0,
            trace: Trace::new(),
        }
    }

    fn step(&mut self, what: &str) {
        self.trace.push(what);
        let sent = self.client.sent();
        for request in &sent[self.seen..] {
            self.trace.push(format!("  sent {request}"));
        }
        self.seen = sent.len();
    }

    fn output(&self, value: &str) {
        self.trace.push(format!("  -> {value:?}"));
    }
}

#[test]
fn transcript_of_three_requests() {
    let transcript = within(LIMIT, || {
        let client = Client::new();
        let mut t = Transcript::new(&client);
        let a = get(&client, "/a");
        t.step("build a = get(\"/a\")");
        let b = get(&client, "/b");
        t.step("build b = get(\"/b\")");
        let c = get(&client, "/c");
        t.step("build c = get(\"/c\")");
        drop(c);
        t.step("drop c without polling it");
        let reply = Driver::new("b").run(b, Limits::default());
        t.step("await b");
        t.output(&reply);
        let reply = Driver::new("a").run(a, Limits::default());
        t.step("await a");
        t.output(&reply);
        t.trace.render()
    });
    insta::assert_snapshot!(transcript);
}
