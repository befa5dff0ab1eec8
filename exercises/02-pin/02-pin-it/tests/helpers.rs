use std::time::Duration;

use pin_it::pause;
use workbook_support::{Driver, Limits, within};

// The programs in tests/ui/ count on `pause` being Pending exactly once.
#[test]
fn pause_is_pending_once_then_ready() {
    within(Duration::from_secs(5), || {
        let mut driver = Driver::new("pause()");
        driver.run(pause(), Limits::default());
        assert_eq!(
            driver.polls(),
            2,
            "pause() should be Ready on its second poll"
        );
        assert_eq!(driver.wakes(), 1, "pause() should wake its waker once");
    });
}
