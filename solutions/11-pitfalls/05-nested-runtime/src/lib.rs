//! A shop's checkout: an async request handler that prices a basket with
//! the price service, and a synchronous total for the nightly report,
//! which runs on a plain thread.
//!
//! Why this works: the sum lives in one `async fn`, `total`, which waits
//! for each price with `.await`. `checkout` runs on a runtime thread, so it
//! awaits `total`: while a price is on its way the task is `Pending` and
//! gives the thread back, and the price service (and every other request)
//! runs on it, on any runtime flavor. `total_blocking` is now a thin
//! synchronous wrapper that calls `block_on` on that same future; it is
//! called only from plain threads, where blocking is allowed, so the
//! blocking stays at the edge of the program instead of inside it.

use std::collections::HashMap;

use tokio::runtime::Handle;
use tokio::sync::{mpsc, oneshot};

/// A SKU the price list does not know.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnknownSku(pub String);

type Lookup = (String, oneshot::Sender<Option<u32>>);

/// A client of the price service: a task that owns the price table and
/// answers one lookup at a time, like a connection to a database. Cheap
/// to clone; every clone talks to the same service.
#[derive(Clone)]
pub struct PriceList {
    lookups: mpsc::Sender<Lookup>,
}

impl PriceList {
    /// Starts the price service, a task on the current tokio runtime, with
    /// a price in cents for each SKU. Call it inside a runtime.
    pub fn start<'a>(prices: impl IntoIterator<Item = (&'a str, u32)>) -> PriceList {
        let table: HashMap<String, u32> = prices
            .into_iter()
            .map(|(sku, cents)| (sku.to_owned(), cents))
            .collect();
        let (lookups, mut requests) = mpsc::channel::<Lookup>(16);
        tokio::spawn(async move {
            while let Some((sku, reply)) = requests.recv().await {
                // A lookup takes a moment, as a query over the network would.
                tokio::task::yield_now().await;
                let _ = reply.send(table.get(&sku).copied());
            }
        });
        PriceList { lookups }
    }

    /// The price of `sku`, in cents.
    pub async fn price(&self, sku: &str) -> Result<u32, UnknownSku> {
        let (reply, answer) = oneshot::channel();
        let gone = "the price service has stopped: did its runtime shut down?";
        self.lookups
            .send((sku.to_owned(), reply))
            .await
            .expect(gone);
        answer
            .await
            .expect(gone)
            .ok_or_else(|| UnknownSku(sku.to_owned()))
    }
}

/// The total of `basket`, in cents: the one place that sums prices.
pub async fn total(prices: &PriceList, basket: &[&str]) -> Result<u32, UnknownSku> {
    let mut total = 0;
    for sku in basket {
        total += prices.price(sku).await?;
    }
    Ok(total)
}

/// The total of `basket`, in cents, for synchronous code such as the
/// nightly report: it runs on a plain thread, outside any runtime, and
/// hands `runtime`, the handle of the runtime the price service runs on.
pub fn total_blocking(
    runtime: &Handle,
    prices: &PriceList,
    basket: &[&str],
) -> Result<u32, UnknownSku> {
    // Blocking is fine here: this thread drives no tasks.
    runtime.block_on(total(prices, basket))
}

/// Handles a checkout request: the total in cents of the basket `skus`
/// (a SKU once per item), or the first SKU that `list` does not know.
///
/// It runs in the request's task, on whatever tokio runtime the server
/// uses: a current-thread runtime (as in `#[tokio::test]`) or a
/// multi-thread one. While it waits for prices, the other tasks of the
/// runtime, the price service and other requests, keep running.
/// `total_blocking` must keep working for the nightly report.
pub async fn checkout(list: &PriceList, skus: &[&str]) -> Result<u32, UnknownSku> {
    // A runtime thread: wait for the prices, do not block on them.
    total(list, skus).await
}
