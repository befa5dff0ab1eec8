use tokio::sync::mpsc;

fn main() {
    let (sender, _receiver) = mpsc::channel(2);
    for n in 1..=3 {
        match sender.try_send(n) {
            Ok(()) => println!("sent {n}"),
            Err(error) => println!("{n}: {error}"),
        }
    }
}
