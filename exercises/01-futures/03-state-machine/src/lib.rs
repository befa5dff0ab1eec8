//! `brew_tea` twice: once as an `async fn`, and once as the state machine
//! the compiler turns it into, written by hand.

mod kitchen;

use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};

pub use kitchen::{Boil, HotWater, Kitchen, Steep};

// ANCHOR: brew_tea
/// Makes tea for `cups` people: boil the water, then steep the tea in it.
pub async fn brew_tea(kitchen: Kitchen, cups: u32) -> String {
    let order = format!("tea for {cups}");
    let water = kitchen.boil(cups * 250).await;
    let tea = kitchen.steep(water).await;
    format!("{order}: {tea}")
}
// ANCHOR_END: brew_tea

/// `brew_tea` written by hand: one variant for each place where the
/// `async fn` can be paused, holding what the rest of the body still needs.
///
/// The contract, which the tests check: a `BrewTea` does what the future of
/// `brew_tea(kitchen, cups)` does, poll for poll. It outputs the same tea;
/// each poll runs until the kettle or the teapot returns `Pending`, or the
/// tea is made; it polls the kettle and the teapot, and wakes the waker, in
/// exactly the same order; and polled again after `Ready`, it panics.
pub enum BrewTea {
    /// Created, not polled yet: nothing of the body has run.
    Start { kitchen: Kitchen, cups: u32 },
    /// Paused at the first `.await`, waiting for the water to boil.
    Boiling {
        boil: Boil,
        // TODO: add the values the rest of `brew_tea` needs after this `.await`.
    },
    /// Paused at the second `.await`, waiting for the tea to steep.
    Steeping {
        steep: Steep,
        // TODO: add the values the rest of `brew_tea` needs after this `.await`.
    },
    /// Returned `Ready`. Nothing is left to do.
    Done,
}

impl BrewTea {
    /// Does what calling `brew_tea(kitchen, cups)` does: stores the
    /// arguments and runs nothing.
    pub fn new(kitchen: Kitchen, cups: u32) -> Self {
        BrewTea::Start { kitchen, cups }
    }
}

impl Future for BrewTea {
    type Output = String;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<String> {
        // TODO: keep the contract in the doc comment of `BrewTea`.
        let _ = cx;
        todo!("write BrewTea::poll in src/lib.rs: it must do what brew_tea's future does")
    }
}
