async fn answer() -> u32 {
    42
}

fn main() {
    let n = answer().await;
    println!("{n}");
}
