use std::time::Duration;

use tokio::time::sleep;

struct Noisy(&'static str);

impl Drop for Noisy {
    fn drop(&mut self) {
        println!("{} dropped", self.0);
    }
}

type Step = Result<&'static str, &'static str>;

async fn step(name: &'static str, secs: u64, fails: bool) -> Step {
    let _noisy = Noisy(name);
    sleep(Duration::from_secs(secs)).await;
    println!("{name} finished");
    if fails { Err(name) } else { Ok(name) }
}

#[tokio::main(flavor = "current_thread", start_paused = true)]
async fn main() {
    let fast = step("fast", 1, true);
    let slow = step("slow", 5, false);
    let result = tokio::try_join!(fast, slow);
    println!("{result:?}");
    sleep(Duration::from_secs(10)).await;
    println!("end");
}
