async fn parse(text: &str) -> Result<u32, std::num::ParseIntError> {
    text.parse()
}

#[tokio::main(flavor = "current_thread")]
async fn main() {
    let task = async {
        let n = parse("7").await?;
        Ok(n + 1)
    };
    println!("{:?}", task.await);
}
