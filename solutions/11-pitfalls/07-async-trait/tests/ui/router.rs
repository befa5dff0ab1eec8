// A router of async handlers, kept as trait objects and spawned.
//
// Why this works: `Handler`, the trait handlers implement, keeps `async fn`
// but is declared `Send` with `trait_variant::make`: every implementation's
// future must be `Send`, so a generic caller may spawn it. That trait is
// still not dyn compatible (each implementation returns a future of its
// own type), so the table holds a second trait, `DynHandler`, whose method
// returns one type for all: a boxed `Send` future. A blanket impl turns
// every `Handler` into a `DynHandler` by boxing its future, one allocation
// per request. Implementors write plain `async fn`s; only the router pays
// for the box, and `tokio::spawn` gets a `Send + 'static` future.
#![forbid(unsafe_code)]

use std::collections::HashMap;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering::SeqCst};
use std::time::Duration;

use async_trait::{Request, Response, pause};
use tokio::sync::Notify;
use tokio::task::JoinHandle;

/// Answers the requests for one path. `Handler` is the `Send` variant:
/// its futures are `Send`, and so is every handler.
#[trait_variant::make(Handler: Send)]
trait LocalHandler {
    async fn handle(&self, request: Request) -> Response;
}

/// The future of a handler, boxed: one type for every handler.
type BoxedResponse<'a> = Pin<Box<dyn Future<Output = Response> + Send + 'a>>;

/// What the table holds: dyn compatible, because `handle_boxed` returns
/// one type whatever the handler.
trait DynHandler: Send + Sync {
    fn handle_boxed(&self, request: Request) -> BoxedResponse<'_>;
}

impl<H: Handler + Sync> DynHandler for H {
    fn handle_boxed(&self, request: Request) -> BoxedResponse<'_> {
        Box::pin(self.handle(request))
    }
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
    routes: HashMap<String, Arc<dyn DynHandler>>,
}

impl Router {
    fn new() -> Router {
        Router {
            routes: HashMap::new(),
        }
    }

    fn route(mut self, path: &str, handler: impl Handler + Sync + 'static) -> Router {
        self.routes.insert(path.to_owned(), Arc::new(handler));
        self
    }

    /// Answers `request` in a task of its own.
    fn dispatch(&self, request: Request) -> JoinHandle<Response> {
        match self.routes.get(&request.path) {
            Some(handler) => {
                let handler = handler.clone();
                tokio::spawn(async move { handler.handle_boxed(request).await })
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
