// Step 2: generic instead of dyn. The caller spawns the handler's future,
// and nothing says that future is `Send`.
use std::sync::Arc;

use async_trait::{Request, Response};
use tokio::task::JoinHandle;

trait Handler {
    async fn handle(&self, request: Request) -> Response;
}

fn dispatch<H>(handler: Arc<H>, request: Request) -> JoinHandle<Response>
where
    H: Handler + Send + Sync + 'static,
{
    tokio::spawn(async move { handler.handle(request).await })
}

fn main() {
    let _ = dispatch::<()>;
}

impl Handler for () {
    async fn handle(&self, _request: Request) -> Response {
        Response::not_found()
    }
}
