// `PhantomPinned` is the standard `!Unpin` marker, a stand-in here for any
// `!Unpin` future. `Timed` keeps its future structurally pinned, so a pinned
// `Timed<PhantomPinned>` must not hand out a `&mut Timed` in safe code: with
// one, `mem::swap` or `mem::replace` could move it, and the future inside.
// `&mut *pinned` needs `DerefMut`, which `Pin` implements only for `Unpin`
// targets. If this compiles, `Timed` is `Unpin` whatever `F` is (an
// `impl<F> Unpin for Timed<F>`).
#![allow(unused_mut)] // rustc calls this `mut` unneeded once the borrow fails

use std::marker::PhantomPinned;
use std::pin::pin;

use manual_projection::Timed;

fn main() {
    let mut pinned = pin!(Timed::new(PhantomPinned));
    let timed: &mut Timed<PhantomPinned> = &mut *pinned;
    let _ = timed;
}
