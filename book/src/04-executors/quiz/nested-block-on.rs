use std::panic::{self, AssertUnwindSafe};

use tokio::runtime::Handle;

#[tokio::main(flavor = "current_thread")]
async fn main() {
    // Print the first sentence of a panic's message, not the full report.
    panic::set_hook(Box::new(|info| {
        let message = info.payload_as_str().unwrap_or_default();
        println!("panic: {}", message.split('.').next().unwrap_or_default());
    }));
    let outcome = panic::catch_unwind(AssertUnwindSafe(|| {
        Handle::current().block_on(async { 42 })
    }));
    println!("block_on returned: {:?}", outcome.ok());
}
