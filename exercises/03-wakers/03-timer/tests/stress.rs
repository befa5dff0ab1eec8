//! Hunting the lost-wakeup race: one thread polls a fresh `Delay` again and
//! again while another fires its trigger (see `workbook_support::stress`).

use timer::Delay;
use workbook_support::stress::{Race, no_lost_wake_up};

#[test]
fn no_lost_wake_up_under_stress() {
    no_lost_wake_up(
        Race {
            future: "Delay",
            event: "`fire`",
            basics: "tests/timer.rs",
            basics_command: "cargo test -p timer --test timer",
            likely_cause: "`poll` reads `done` and stores its waker in two separate steps (for \
                           example under two locks), so a `fire` in between finds the old waker \
                           (or none) and wakes that. Or `fire` wakes the waker before it sets \
                           `done`, and the poll that wake-up causes still finds `done` unset.",
        },
        Delay::until_fired,
        |trigger| trigger.fire(),
    );
}
