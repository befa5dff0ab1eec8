//! A shop's order handler: it reserves the stock, records the order in
//! an audit log and mails the customer a receipt.
//!
//! Why this works: a future does nothing until it is polled, so `place`
//! awaits each step itself: the reservation first (its `Err` returns at
//! once, before any other step, through `?`), then the audit record, then
//! the receipt's `Delivery`. When `place` returns, every step is done, and
//! a failure reaches the caller instead of vanishing with a detached task.
//! `Delivery` is marked `#[must_use]` with a message: the lint already
//! flags an unused `impl Future` (the trait is `#[must_use]`), but not a
//! concrete type that implements `Future`, which needs the attribute of
//! its own. Every function returning a `Delivery` is then covered.

use std::collections::HashMap;
use std::future::Future;
use std::pin::Pin;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll};
use std::time::Duration;

use tokio::time::sleep;

/// How long each backend call takes (they stand for database writes and
/// a mail server).
pub const BACKEND_TIME: Duration = Duration::from_millis(10);

/// An order: `quantity` of `item` for `customer`.
#[derive(Debug, Clone)]
pub struct Order {
    pub customer: String,
    pub item: String,
    pub quantity: u32,
}

/// Not enough of the item in stock: nothing was reserved.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct OutOfStock;

/// The stock of every item, shared by the shop's tasks.
#[derive(Clone, Default)]
pub struct Stock {
    items: Arc<Mutex<HashMap<String, u32>>>,
}

impl Stock {
    pub fn with(items: &[(&str, u32)]) -> Self {
        let items = items.iter().map(|&(name, n)| (name.to_owned(), n));
        Self {
            items: Arc::new(Mutex::new(items.collect())),
        }
    }

    /// How many of `item` are left.
    pub fn left(&self, item: &str) -> u32 {
        self.items.lock().unwrap().get(item).copied().unwrap_or(0)
    }

    /// Takes `quantity` of `item` out of the stock, or fails and takes
    /// nothing if there are fewer left.
    pub async fn reserve(&self, item: String, quantity: u32) -> Result<(), OutOfStock> {
        sleep(BACKEND_TIME).await;
        let mut items = self.items.lock().unwrap();
        match items.get_mut(&item) {
            Some(left) if *left >= quantity => {
                *left -= quantity;
                Ok(())
            }
            _ => Err(OutOfStock),
        }
    }
}

/// The audit log: one line per order placed.
#[derive(Clone, Default)]
pub struct AuditLog {
    lines: Arc<Mutex<Vec<String>>>,
}

impl AuditLog {
    /// Appends `line` to the log.
    pub async fn record(&self, line: String) {
        sleep(BACKEND_TIME).await;
        self.lines.lock().unwrap().push(line);
    }

    pub fn lines(&self) -> Vec<String> {
        self.lines.lock().unwrap().clone()
    }
}

/// Sends mail; what it sent is in its outbox.
#[derive(Clone, Default)]
pub struct Mailer {
    outbox: Arc<Mutex<Vec<String>>>,
}

impl Mailer {
    /// Mails `text` to `to`. The mail is sent when the `Delivery` is
    /// awaited (or polled to completion), not before.
    pub fn send(&self, to: &str, text: &str) -> Delivery {
        let outbox = self.outbox.clone();
        let mail = format!("to {to}: {text}");
        Delivery {
            sending: Box::pin(async move {
                sleep(BACKEND_TIME).await;
                outbox.lock().unwrap().push(mail);
            }),
        }
    }

    /// The mails sent so far, as `"to CUSTOMER: TEXT"`.
    pub fn outbox(&self) -> Vec<String> {
        self.outbox.lock().unwrap().clone()
    }
}

// ANCHOR: delivery
/// A mail on its way: a future that sends the mail when it is awaited.
/// Like every future, it does nothing until then.
///
/// Contract: a `Delivery` that is created and dropped without being used
/// is reported by the `unused_must_use` lint, with the note
/// `a Delivery sends nothing until it is awaited`.
#[must_use = "a Delivery sends nothing until it is awaited"]
pub struct Delivery {
    sending: Pin<Box<dyn Future<Output = ()> + Send>>,
}
// ANCHOR_END: delivery

impl Future for Delivery {
    type Output = ();

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        self.sending.as_mut().poll(cx)
    }
}

/// The number of an order.
pub type OrderId = u64;

/// A shop: its stock, its audit log, its mailer.
#[derive(Clone, Default)]
pub struct Shop {
    pub stock: Stock,
    pub audit: AuditLog,
    pub mailer: Mailer,
    last_id: Arc<AtomicU64>,
}

impl Shop {
    pub fn new(stock: Stock) -> Self {
        Self {
            stock,
            ..Self::default()
        }
    }

    // ANCHOR: place
    /// Places `order` and returns its number (1, 2, ...).
    ///
    /// When `place` returns `Ok(id)`, all of this has happened, once:
    /// the stock of the item went down by the quantity; the audit log got
    /// the line `"order {id}: {quantity} x {item} for {customer}"`; and the
    /// customer was mailed `"receipt for order {id}"`.
    ///
    /// When the stock is short, it returns `Err(OutOfStock)` and none of
    /// this has happened, nor happens later.
    pub async fn place(&self, order: Order) -> Result<OrderId, OutOfStock> {
        // Awaited here, so its error stops the order before anything else.
        self.stock
            .reserve(order.item.clone(), order.quantity)
            .await?;
        let id = self.last_id.fetch_add(1, Ordering::SeqCst) + 1;
        let line = format!(
            "order {id}: {} x {} for {}",
            order.quantity, order.item, order.customer
        );
        self.audit.record(line).await;
        self.mailer
            .send(&order.customer, &format!("receipt for order {id}"))
            .await;
        Ok(id)
    }
    // ANCHOR_END: place
}
