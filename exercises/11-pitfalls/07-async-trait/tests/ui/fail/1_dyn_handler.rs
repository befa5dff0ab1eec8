// Step 1: a trait with an `async fn`, kept as a trait object.
use async_trait::{Request, Response};

trait Handler {
    async fn handle(&self, request: Request) -> Response;
}

struct Router {
    routes: Vec<Box<dyn Handler + Send + Sync>>,
}

fn main() {
    let _no_router_yet: Option<Router> = None;
}
