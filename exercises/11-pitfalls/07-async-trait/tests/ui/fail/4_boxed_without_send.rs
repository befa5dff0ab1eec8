// A boxed future makes the trait dyn compatible; without `+ Send` in the
// box's type, the spawned future is not `Send`.
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;

use async_trait::{Request, Response};
use tokio::task::JoinHandle;

trait Handler: Send + Sync {
    fn handle(&self, request: Request) -> Pin<Box<dyn Future<Output = Response> + '_>>;
}

fn dispatch(handler: Arc<dyn Handler>, request: Request) -> JoinHandle<Response> {
    tokio::spawn(async move { handler.handle(request).await })
}

fn main() {
    let _ = dispatch;
}
