use futures::executor::block_on;
use futures::join;

async fn count(name: &str) {
    for i in 0..3 {
        println!("{name}{i}");
    }
}

fn main() {
    block_on(async {
        join!(count("a"), count("b"));
    });
}
