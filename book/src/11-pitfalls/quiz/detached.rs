use std::sync::{Arc, Mutex};

#[tokio::main(flavor = "current_thread")]
async fn main() {
    let log = Arc::new(Mutex::new(Vec::new()));
    let writer = log.clone();
    let handle = tokio::spawn(async move {
        writer.lock().unwrap().push("written");
    });
    drop(handle);
    println!("before yielding: {:?}", log.lock().unwrap());
    tokio::task::yield_now().await;
    println!("after yielding: {:?}", log.lock().unwrap());
}
