//! `brew_tea` twice: once as an `async fn`, and once as the state machine
//! the compiler turns it into, written by hand.
//!
//! Why this works: each call to `poll` takes the saved state out of `self`
//! and continues the body from there, in a loop, until a leaf future is
//! `Pending` or the tea is made. On `Pending` it puts the state back and
//! returns `Pending`; the leaf has already arranged the wake-up, so the
//! machine adds none of its own. On `Ready` it moves on to the next state in
//! the same call, exactly as the `async fn` runs on past an `.await` whose
//! future is ready, so the polls and wake-ups match the `async fn` one for
//! one. The values the rest of the body needs (`kitchen` until the teapot
//! exists, `order` until the end) move from each state into the next. After
//! `Ready` only `Done` is left, and polling `Done` panics, as the future of an
//! `async fn` does.

mod kitchen;

use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};

pub use kitchen::{Boil, HotWater, Kitchen, Steep};

/// Makes tea for `cups` people: boil the water, then steep the tea in it.
pub async fn brew_tea(kitchen: Kitchen, cups: u32) -> String {
    let order = format!("tea for {cups}");
    let water = kitchen.boil(cups * 250).await;
    let tea = kitchen.steep(water).await;
    format!("{order}: {tea}")
}

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
        kitchen: Kitchen,
        order: String,
    },
    /// Paused at the second `.await`, waiting for the tea to steep.
    Steeping { steep: Steep, order: String },
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
        // `BrewTea` is `Unpin` (all its fields are), so it may be moved.
        let this = self.get_mut();
        loop {
            // Take the saved state out, leaving `Done` behind. Every path
            // that returns `Pending` puts the state it is in back first.
            match std::mem::replace(this, BrewTea::Done) {
                BrewTea::Start { kitchen, cups } => {
                    let order = format!("tea for {cups}");
                    let boil = kitchen.boil(cups * 250);
                    *this = BrewTea::Boiling {
                        boil,
                        kitchen,
                        order,
                    };
                }
                BrewTea::Boiling {
                    mut boil,
                    kitchen,
                    order,
                } => match Pin::new(&mut boil).poll(cx) {
                    Poll::Pending => {
                        *this = BrewTea::Boiling {
                            boil,
                            kitchen,
                            order,
                        };
                        return Poll::Pending;
                    }
                    Poll::Ready(water) => {
                        let steep = kitchen.steep(water);
                        *this = BrewTea::Steeping { steep, order };
                    }
                },
                BrewTea::Steeping { mut steep, order } => match Pin::new(&mut steep).poll(cx) {
                    Poll::Pending => {
                        *this = BrewTea::Steeping { steep, order };
                        return Poll::Pending;
                    }
                    Poll::Ready(tea) => return Poll::Ready(format!("{order}: {tea}")),
                },
                BrewTea::Done => panic!("`BrewTea` polled after completion"),
            }
        }
    }
}
