// An `Rc` held across an `.await` makes the task `!Send`: a worker could
// poll the task on one thread while a clone of the `Rc` is used on another,
// and `Rc`'s count is not atomic. `ThreadPool::spawn` requires `Send`.
use std::rc::Rc;

use thread_pool::ThreadPool;

async fn tick() {}

fn main() {
    let pool = ThreadPool::new(2);
    pool.spawn(async {
        let name = Rc::new(String::from("shared"));
        tick().await;
        println!("{name}");
    });
}
