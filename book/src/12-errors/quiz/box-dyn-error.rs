use std::error::Error;

async fn port(text: &str) -> Result<u16, Box<dyn Error>> {
    let port: u16 = text.trim().parse()?;
    if port < 1024 {
        return Err(format!("port {port} is reserved").into());
    }
    Ok(port)
}

#[tokio::main(flavor = "current_thread")]
async fn main() {
    match tokio::spawn(port("80")).await {
        Ok(Ok(port)) => println!("port {port}"),
        Ok(Err(error)) => println!("refused: {error}"),
        Err(join_error) => println!("the task did not finish: {join_error}"),
    }
}
