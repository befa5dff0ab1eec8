// A function that is handed two pinned scanners cannot swap them: that
// would move each scanner to the other's address, away from the text its
// cursor points into. `&mut *pinned` needs `DerefMut`, which `Pin`
// implements only for `Unpin` targets, and `Pin::get_mut` likewise needs
// `Scanner: Unpin`.
#![allow(unused_mut)] // rustc calls these `mut`s unneeded once the borrows fail

use std::pin::Pin;

use self_ref::Scanner;

fn swap(mut a: Pin<&mut Scanner>, mut b: Pin<&mut Scanner>) {
    std::mem::swap(&mut *a, &mut *b);
}

fn main() {
    let mut a = Scanner::new("first");
    let mut b = Scanner::new("second");
    swap(a.as_mut(), b.as_mut());
}
