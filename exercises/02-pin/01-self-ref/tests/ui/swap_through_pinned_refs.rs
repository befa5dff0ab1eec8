// `Pin::get_mut` hands out `&mut T` only when `T: Unpin`. With it, this
// function could swap two pinned scanners: each would move to the other's
// address, away from the text its cursor points into.
use std::pin::Pin;

use self_ref::Scanner;

fn swap(a: Pin<&mut Scanner>, b: Pin<&mut Scanner>) {
    std::mem::swap(Pin::get_mut(a), Pin::get_mut(b));
}

fn main() {
    let mut a = Scanner::new("first");
    let mut b = Scanner::new("second");
    swap(a.as_mut(), b.as_mut());
}
