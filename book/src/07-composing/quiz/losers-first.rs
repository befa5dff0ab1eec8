use std::time::Duration;

use tokio::time::sleep;

struct Loud(&'static str);

impl Drop for Loud {
    fn drop(&mut self) {
        println!("{} dropped", self.0);
    }
}

#[tokio::main(flavor = "current_thread", start_paused = true)]
async fn main() {
    tokio::select! {
        () = async {
            let _loud = Loud("slow branch");
            sleep(Duration::from_secs(10)).await;
        } => println!("slow handler"),
        () = sleep(Duration::from_secs(1)) => println!("fast handler"),
    }
    println!("after select");
}
