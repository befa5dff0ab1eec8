// Taking the box back out of its `Pin` would let the scanner be moved out of
// the box, to a new address.
use std::pin::Pin;

use self_ref::Scanner;

fn main() {
    let pinned = Scanner::new("words");
    let scanner: Scanner = *Pin::into_inner(pinned);
    drop(scanner);
}
