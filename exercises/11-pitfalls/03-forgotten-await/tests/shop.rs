use std::time::Duration;

use forgotten_await::{Order, OutOfStock, Shop, Stock};
use tokio::time::sleep;
use workbook_support::on_paused_tokio;

const LIMIT: Duration = Duration::from_secs(5);

fn shop() -> Shop {
    Shop::new(Stock::with(&[("kettle", 3), ("teapot", 1)]))
}

fn order(customer: &str, item: &str, quantity: u32) -> Order {
    Order {
        customer: customer.into(),
        item: item.into(),
        quantity,
    }
}

/// Lets every task still running finish: on paused time, this sleep ends
/// only once the runtime has nothing else to do.
async fn settle() {
    sleep(Duration::from_secs(3600)).await;
}

#[test]
fn a_placed_order_is_in_the_audit_log_when_place_returns() {
    on_paused_tokio(LIMIT, || async {
        let shop = shop();
        let id = shop.place(order("ada", "kettle", 2)).await;
        assert_eq!(id, Ok(1), "the first order placed is number 1");
        let lines = shop.audit.lines();
        assert_eq!(
            lines,
            ["order 1: 2 x kettle for ada"],
            "when `place` returned, the audit log should hold the order's line; it holds \
             {lines:?}. The call that records the line made a future, and that future never \
             ran, or had not run yet: a future does nothing until it is awaited, and \
             `let _ = future;` drops it at once."
        );
    });
}

#[test]
fn a_placed_order_has_mailed_its_receipt_when_place_returns() {
    on_paused_tokio(LIMIT, || async {
        let shop = shop();
        let id = shop.place(order("ada", "kettle", 1)).await;
        assert_eq!(id, Ok(1), "the first order placed is number 1");
        let outbox = shop.mailer.outbox();
        assert_eq!(
            outbox,
            ["to ada: receipt for order 1"],
            "when `place` returned, the receipt should be in the mailer's outbox; it holds \
             {outbox:?}. `send` returns a `Delivery`, a future, which never ran, or had not run \
             yet: `place` did not await it. (The compiler did not warn you: see the `ui` \
             test.)"
        );
    });
}

#[test]
fn the_stock_is_reserved_when_place_returns() {
    on_paused_tokio(LIMIT, || async {
        let shop = shop();
        let id = shop.place(order("ada", "kettle", 2)).await;
        assert_eq!(id, Ok(1), "the first order placed is number 1");
        let left = shop.stock.left("kettle");
        assert_eq!(
            left, 1,
            "when `place` returned, 2 of the 3 kettles should have been reserved, leaving 1; \
             {left} were left. The reservation had not run yet: a spawned task runs on its own \
             schedule, and `place` returned without waiting for it. Its result (and its error) \
             comes back only through its `JoinHandle`."
        );
    });
}

#[test]
fn an_order_beyond_the_stock_is_refused_and_leaves_no_trace() {
    on_paused_tokio(LIMIT, || async {
        let shop = shop();
        let refused = shop.place(order("alan", "teapot", 2)).await;
        assert_eq!(
            refused,
            Err(OutOfStock),
            "an order for 2 teapots with 1 in stock must be refused with `Err(OutOfStock)`; \
             `place` returned {refused:?}. The reservation's error never reached `place`: \
             it was lost with the result of the work that failed."
        );
        settle().await;
        assert_eq!(
            shop.stock.left("teapot"),
            1,
            "a refused order reserves nothing"
        );
        assert_eq!(
            shop.audit.lines(),
            Vec::<String>::new(),
            "a refused order must not be recorded in the audit log, not even later"
        );
        assert_eq!(
            shop.mailer.outbox(),
            Vec::<String>::new(),
            "a refused order must not mail a receipt, not even later"
        );
    });
}

#[test]
fn each_step_happens_once() {
    on_paused_tokio(LIMIT, || async {
        let shop = shop();
        assert_eq!(
            shop.place(order("ada", "kettle", 1)).await,
            Ok(1),
            "order 1"
        );
        assert_eq!(
            shop.place(order("alan", "kettle", 1)).await,
            Ok(2),
            "order 2"
        );
        settle().await;
        assert_eq!(
            shop.stock.left("kettle"),
            1,
            "two orders of 1 kettle, from 3, leave 1, once every task has finished: is the \
             stock reserved twice for an order (say, once in a spawned task and once more)?"
        );
        assert_eq!(
            shop.audit.lines(),
            [
                "order 1: 1 x kettle for ada",
                "order 2: 1 x kettle for alan"
            ],
            "one audit line per order, in order"
        );
        assert_eq!(
            shop.mailer.outbox(),
            [
                "to ada: receipt for order 1",
                "to alan: receipt for order 2"
            ],
            "one receipt per order, in order"
        );
    });
}
