// Step 3: the future declared `Send`, as the compiler suggested. Generic
// callers may spawn it now, but the trait is still not dyn compatible.
use std::future::Future;

use async_trait::{Request, Response};

trait Handler {
    fn handle(&self, request: Request) -> impl Future<Output = Response> + Send;
}

struct Router {
    routes: Vec<Box<dyn Handler + Send + Sync>>,
}

fn main() {
    let _no_router_yet: Option<Router> = None;
}
