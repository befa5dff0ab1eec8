// Calling `get` without using the future it returns is almost always a bug:
// the future is dropped at the end of the statement and never runs. With
// `deny(unused_must_use)` the compiler's warning becomes an error.
#![deny(unused_must_use)]

use lazy::{Client, get};

fn main() {
    let client = Client::new();
    get(&client, "/forgotten");
}
