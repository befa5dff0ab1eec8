// A permit from `acquire` borrows the semaphore, for as long as it lives;
// a spawned task may outlive the function, and its future must own all it
// holds.
use std::future::Future;

use tokio::sync::Semaphore;

struct Limiter {
    slots: Semaphore,
}

impl Limiter {
    async fn spawn(&self, job: impl Future<Output = ()> + Send + 'static) {
        let permit = self.slots.acquire().await.unwrap();
        tokio::spawn(async move {
            job.await;
            drop(permit);
        });
    }
}

fn main() {
    let limiter = Limiter { slots: Semaphore::new(2) };
    let _ = limiter.spawn(async {});
}
