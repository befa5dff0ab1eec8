// The same with a plain `&str`: the task keeps the borrow beyond the call.
async fn log_later(label: &str) {
    tokio::spawn(async move {
        tokio::task::yield_now().await;
        println!("done: {label}");
    });
}

fn main() {
    let _ = log_later("report");
}
