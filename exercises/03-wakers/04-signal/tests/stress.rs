//! Hunting the lost-wakeup race: one thread polls a fresh waiter again and
//! again while another fires its notifier (see `workbook_support::stress`).

use workbook_support::stress::{Race, no_lost_wake_up};

#[test]
fn no_lost_wake_up_under_stress() {
    no_lost_wake_up(
        Race {
            future: "waiter",
            event: "`fire`",
            basics: "tests/signal.rs",
            basics_command: "cargo test -p signal --test signal",
            likely_cause: "`poll` checks the flag before it registers the waker, so a `fire` in \
                           between wakes the old waker (or none). Register first, then check. \
                           (Or `fire` wakes before it sets the flag: set it first.)",
        },
        || {
            let (notifier, waiter) = signal::new();
            (waiter, notifier)
        },
        |notifier| notifier.fire(),
    );
}
