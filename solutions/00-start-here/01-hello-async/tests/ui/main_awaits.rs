// A program that uses the library. `#[tokio::main]` builds a tokio runtime
// and runs the `async fn main` on it until it finishes.

use hello_async::{Guestbook, welcome};

#[tokio::main]
async fn main() {
    let book = Guestbook::new();
    let greeting = welcome(&book, "Ferris").await;
    println!("{greeting}");
    assert_eq!(
        book.lines(),
        ["Ferris was here"],
        "welcome should sign the guestbook"
    );
}
