//! Asks, at run time, whether a value's type is `Unpin`, so a test can fail
//! with a sentence instead of a compile error.
//!
//! ```
//! use workbook_support::unpin::{NotUnpin as _, probe};
//!
//! assert!(probe(&5_u32).is_unpin());
//! assert!(!probe(&async {}).is_unpin());
//! ```
//!
//! The answer is decided where the type is known: the inherent method exists
//! only for `T: Unpin`; for other types the trait's method applies. So import
//! the trait (`NotUnpin as _`) wherever you call `is_unpin`.

use std::marker::PhantomData;

pub struct Probe<T>(PhantomData<T>);

/// A probe for the type of `value`.
pub fn probe<T>(_value: &T) -> Probe<T> {
    Probe(PhantomData)
}

impl<T: Unpin> Probe<T> {
    pub fn is_unpin(&self) -> bool {
        true
    }
}

/// The answer for types that are not `Unpin`.
pub trait NotUnpin {
    fn is_unpin(&self) -> bool {
        false
    }
}

impl<T> NotUnpin for Probe<T> {}
