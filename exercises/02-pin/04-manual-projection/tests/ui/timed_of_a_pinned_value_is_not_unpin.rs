// `PhantomPinned` is the standard `!Unpin` marker, a stand-in here for any
// `!Unpin` future. `Timed` keeps its future structurally pinned, so
// `Timed<PhantomPinned>` must be `!Unpin` too. If this compiles, `Timed` is
// `Unpin` whatever `F` is (an `impl<F> Unpin for Timed<F>`), and safe code
// could move a pinned `Timed` together with the future inside it.
use std::marker::PhantomPinned;

use manual_projection::Timed;

fn assert_unpin<T: Unpin>(_: &T) {}

fn main() {
    let timed = Timed::new(PhantomPinned);
    assert_unpin(&timed);
}
