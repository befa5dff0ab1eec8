//! The kitchen that `brew_tea` cooks in. You do not need to edit this file.
//!
//! The kettle and the teapot are leaf futures: small futures written by hand
//! (see `workbook_support::Scripted`). Each one returns `Pending` a fixed
//! number of times, waking its waker every time, then `Ready`. Every poll is
//! written to the kitchen's `Trace`, and polling one again after it returned
//! `Ready` panics.

use workbook_support::{Scripted, Trace};

/// Water from the kettle, ready to pour onto the tea.
///
/// Only the kettle makes it: the tea can only be steeped after boiling.
#[derive(Debug)]
pub struct HotWater {
    ml: u32,
}

/// The future returned by [`Kitchen::boil`]. It is `Unpin`: poll it with
/// `Pin::new(&mut boil).poll(cx)`.
pub type Boil = Scripted<HotWater>;

/// The future returned by [`Kitchen::steep`]. It is `Unpin`: poll it with
/// `Pin::new(&mut steep).poll(cx)`.
pub type Steep = Scripted<String>;

/// Hands out the kettle and the teapot, and records what they do.
#[derive(Clone)]
pub struct Kitchen {
    trace: Trace,
}

impl Kitchen {
    /// A kitchen that records every poll of its kettle and teapot in `trace`.
    pub fn new(trace: &Trace) -> Self {
        Kitchen {
            trace: trace.clone(),
        }
    }

    /// Boils `ml` of water: `Pending` twice while the kettle heats, then
    /// `Ready(HotWater)`.
    pub fn boil(&self, ml: u32) -> Boil {
        Scripted::new("boil", &self.trace, 2, HotWater { ml })
    }

    /// Steeps black tea in `water`: `Pending` once, then
    /// `Ready("500 ml of black tea")` (for 500 ml of water).
    pub fn steep(&self, water: HotWater) -> Steep {
        let tea = format!("{} ml of black tea", water.ml);
        Scripted::new("steep", &self.trace, 1, tea)
    }
}
