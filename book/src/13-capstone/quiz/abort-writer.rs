use std::sync::{Arc, Mutex};

use tokio::sync::mpsc;

async fn writer(mut inbox: mpsc::Receiver<u32>, socket: Arc<Mutex<Vec<u32>>>) {
    while let Some(line) = inbox.recv().await {
        socket.lock().unwrap().push(line);
    }
}

#[tokio::main(flavor = "current_thread")]
async fn main() {
    for way in ["abort", "close"] {
        let socket = Arc::new(Mutex::new(Vec::new()));
        let (queue, inbox) = mpsc::channel(8);
        let task = tokio::spawn(writer(inbox, socket.clone()));
        for n in 1..=3 {
            queue.send(n).await.unwrap();
        }
        if way == "abort" {
            task.abort();
        } else {
            drop(queue);
        }
        let _ = task.await;
        println!("{way}: {:?}", socket.lock().unwrap());
    }
}
