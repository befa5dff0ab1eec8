use std::sync::Arc;

use notify_latch::Latch;
use workbook_support::stress::{Race, no_lost_wake_up};

#[test]
fn no_lost_wake_up_under_stress() {
    no_lost_wake_up(
        Race {
            future: "`wait` of a closed `Latch`",
            event: "`open`",
            basics: "tests/latch.rs",
            basics_command: "cargo test -p notify-latch --test latch",
            likely_cause: "`wait` looks at the latch first and only then starts listening for \
                           `open` (creates its `Notified`), so an `open` on another thread in \
                           between is missed: the latch looked closed, and the wake-up went to \
                           the waiters registered before this one. Start listening first, then \
                           look. Or `open` wakes the waiters before it marks the latch open.",
        },
        || {
            let latch = Arc::new(Latch::new());
            let waiting = latch.clone();
            (Box::pin(async move { waiting.wait().await }), latch)
        },
        |latch| latch.open(),
    );
}
