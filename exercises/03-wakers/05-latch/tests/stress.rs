//! Hunting the lost-wakeup race: one thread polls a waiter of a fresh
//! `Latch::new(1)` again and again while another counts it down to zero
//! (see `workbook_support::stress`).

use latch::Latch;
use workbook_support::stress::{Race, no_lost_wake_up};

#[test]
fn no_lost_wake_up_under_stress() {
    no_lost_wake_up(
        Race {
            future: "waiter of `Latch::new(1)`",
            event: "`count_down`",
            basics: "tests/latch.rs",
            basics_command: "cargo test -p latch --test latch",
            likely_cause: "`poll` reads the count and registers its waker in two separate steps, \
                           so a `count_down` in between finds the old waker (or none) and wakes \
                           that. Or `count_down` wakes before the count of zero is visible, and \
                           the poll that wake-up causes still sees the old count.",
        },
        || {
            let latch = Latch::new(1);
            (Box::pin(latch.wait()), latch)
        },
        |latch| latch.count_down(),
    );
}
