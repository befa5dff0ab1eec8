use std::rc::Rc;

#[tokio::main]
async fn main() {
    let task = tokio::spawn(async {
        let shared = Rc::new(1);
        tokio::task::yield_now().await;
        println!("{shared}");
    });
    task.await.unwrap();
}
