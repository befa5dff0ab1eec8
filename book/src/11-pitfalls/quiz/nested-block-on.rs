use std::panic::{AssertUnwindSafe, catch_unwind};

fn price_of(item: &str) -> u32 {
    // A synchronous helper, written for a command-line tool.
    tokio::runtime::Handle::current().block_on(async { item.len() as u32 })
}

#[tokio::main(flavor = "current_thread")]
async fn main() {
    std::panic::set_hook(Box::new(|_| {}));
    match catch_unwind(AssertUnwindSafe(|| price_of("kettle"))) {
        Ok(price) => println!("price: {price}"),
        Err(_) => println!("it panicked"),
    }
}
