// A `Delivery` created and dropped without being awaited must be reported.
#![deny(unused_must_use)]

use forgotten_await::Mailer;

async fn welcome(mailer: &Mailer, customer: &str) {
    mailer.send(customer, "welcome!");
}

fn main() {
    let mailer = Mailer::default();
    drop(welcome(&mailer, "ada"));
}
