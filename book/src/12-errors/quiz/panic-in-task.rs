#[tokio::main(flavor = "current_thread")]
async fn main() {
    // No panic message on stderr: only the program's own lines show.
    std::panic::set_hook(Box::new(|_| {}));

    let crashing = tokio::spawn(async { panic!("boom") });
    let other = tokio::spawn(async { "the other task finished" });

    println!("{}", other.await.unwrap());
    match crashing.await {
        Ok(()) => println!("the crashing task succeeded"),
        Err(e) => {
            println!("panic: {}, cancelled: {}", e.is_panic(), e.is_cancelled())
        }
    }
    println!("main goes on");
}
