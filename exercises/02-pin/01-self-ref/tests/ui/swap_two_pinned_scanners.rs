// Swapping two pinned scanners would move each one to the other's address,
// away from the text its cursor points into. `&mut *pinned` needs
// `DerefMut`, which `Pin` implements only for `Unpin` targets.
#![allow(unused_mut)] // rustc calls these `mut`s unneeded once the borrows fail

use self_ref::Scanner;

fn main() {
    let mut a = Scanner::new("first");
    let mut b = Scanner::new("second");
    std::mem::swap(&mut *a, &mut *b);
}
