use std::sync::Mutex;

async fn record(log: &Mutex<Vec<&'static str>>, line: &'static str) {
    log.lock().unwrap().push(line);
}

#[tokio::main(flavor = "current_thread")]
async fn main() {
    let log = Mutex::new(Vec::new());
    let _ = record(&log, "a");
    record(&log, "b").await;
    let _c = record(&log, "c");
    println!("{:?}", log.lock().unwrap());
}
