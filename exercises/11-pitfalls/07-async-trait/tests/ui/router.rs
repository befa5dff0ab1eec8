// TODO: this server does not compile. The router keeps handlers of
// different types in one table, as trait objects, and answers each request
// in a task of its own on a multi-thread runtime, so that a slow handler
// holds up no other request. Make it compile and run to the end: keep the
// handlers in the table as `dyn` trait objects, keep `tokio::spawn` on the
// multi-thread runtime, and keep `main` as it is.
#![forbid(unsafe_code)]

use std::collections::HashMap;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering::SeqCst};
use std::time::Duration;

use async_trait::{Request, Response, pause};
use tokio::sync::Notify;
use tokio::task::JoinHandle;

/// Answers the requests for one path.
trait Handler {
    async fn handle(&self, request: Request) -> Response;
}

/// Always the same page.
struct Page(&'static str);

impl Handler for Page {
    async fn handle(&self, _request: Request) -> Response {
        Response::ok(self.0)
    }
}

/// Counts its requests, and answers with the count.
#[derive(Default)]
struct Hits(AtomicUsize);

impl Handler for Hits {
    async fn handle(&self, _request: Request) -> Response {
        pause().await;
        let hits = self.0.fetch_add(1, SeqCst) + 1;
        Response::ok(hits.to_string())
    }
}

/// Answers only once `release` is notified: a slow upstream service.
struct Slow {
    release: Arc<Notify>,
}

impl Handler for Slow {
    async fn handle(&self, request: Request) -> Response {
        self.release.notified().await;
        Response::ok(format!("finally: {}", request.body))
    }
}

/// The routing table: one handler per path, each of its own type.
struct Router {
    routes: HashMap<String, Arc<dyn Handler + Send + Sync>>,
}

impl Router {
    fn new() -> Router {
        Router {
            routes: HashMap::new(),
        }
    }

    fn route(mut self, path: &str, handler: impl Handler + Send + Sync + 'static) -> Router {
        self.routes.insert(path.to_owned(), Arc::new(handler));
        self
    }

    /// Answers `request` in a task of its own.
    fn dispatch(&self, request: Request) -> JoinHandle<Response> {
        match self.routes.get(&request.path) {
            Some(handler) => {
                let handler = handler.clone();
                tokio::spawn(async move { handler.handle(request).await })
            }
            None => tokio::spawn(async { Response::not_found() }),
        }
    }
}

#[tokio::main]
async fn main() {
    let release = Arc::new(Notify::new());
    let slow = Slow {
        release: release.clone(),
    };
    let router = Router::new()
        .route("/", Page("home"))
        .route("/hits", Hits::default())
        .route("/slow", slow);

    let home = router.dispatch(Request::new("/", "")).await.unwrap();
    assert_eq!(home, Response::ok("home"));
    let missing = router.dispatch(Request::new("/nowhere", "")).await.unwrap();
    assert_eq!(missing, Response::not_found());

    // A slow request holds up no other one.
    let slow = router.dispatch(Request::new("/slow", "report"));
    let hits: Vec<_> = (0..20)
        .map(|_| router.dispatch(Request::new("/hits", "")))
        .collect();
    let mut counts = Vec::new();
    for hit in hits {
        let answer = tokio::time::timeout(Duration::from_secs(5), hit)
            .await
            .expect("a request to /hits waited behind the slow one")
            .unwrap();
        counts.push(answer.body.parse::<usize>().unwrap());
    }
    counts.sort();
    assert_eq!(counts, (1..=20).collect::<Vec<_>>());
    assert!(!slow.is_finished());
    release.notify_one();
    assert_eq!(slow.await.unwrap(), Response::ok("finally: report"));
}
