// A program that uses the library. It does not compile yet:
// `.await` is only allowed inside `async` code.
// TODO: make `main` async and give it a runtime to run on.

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
