async fn step(name: &str) {
    println!("running {name}");
}

#[tokio::main(flavor = "current_thread")]
async fn main() {
    let a = step("a");
    let b = step("b");
    println!("created both");
    b.await;
    a.await;
}
