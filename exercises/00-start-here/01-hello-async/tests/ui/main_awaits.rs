// A program that uses the library: it awaits `welcome` from `main`.
// TODO: make this program compile and run as it is meant to, keeping the
// `.await` and the assertion.

use hello_async::{Guestbook, welcome};

fn main() {
    let book = Guestbook::new();
    let greeting = welcome(&book, "Ferris").await;
    println!("{greeting}");
    assert_eq!(
        book.lines(),
        ["Ferris was here"],
        "welcome should sign the guestbook"
    );
}
