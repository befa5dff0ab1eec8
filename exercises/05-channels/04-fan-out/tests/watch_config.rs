use std::time::Duration;

use fan_out::watch_config;
use tokio::sync::{mpsc, watch};
use tokio::task::JoinHandle;
use tokio::time::sleep;
use workbook_support::on_paused_tokio;

const LIMIT: Duration = Duration::from_secs(5);

/// Lets every task run until all of them wait: on paused time, this
/// sleep ends only once the runtime has nothing else to do.
async fn settle() {
    sleep(Duration::from_secs(3600)).await;
}

/// A configuration sender, the watcher's task, and its reports.
struct Setup {
    config: Option<watch::Sender<String>>,
    watcher: JoinHandle<()>,
    reports: mpsc::Receiver<String>,
}

fn start(initial: &str) -> Setup {
    let (config, receiver) = watch::channel(initial.to_owned());
    let (sender, reports) = mpsc::channel(64);
    let watcher = tokio::spawn(watch_config(receiver, sender));
    Setup {
        config: Some(config),
        watcher,
        reports,
    }
}

impl Setup {
    fn set(&self, value: &str) {
        let config = self.config.as_ref().expect("not closed yet");
        config.send_replace(value.to_owned());
    }

    /// Drops the configuration's sender.
    fn close(&mut self) {
        self.config = None;
    }

    /// The reports since the last call, once every task waits.
    async fn new_reports(&mut self) -> Vec<String> {
        settle().await;
        let mut reports = Vec::new();
        while let Ok(report) = self.reports.try_recv() {
            reports.push(report);
        }
        reports
    }
}

#[test]
fn reports_the_current_value_first() {
    on_paused_tokio(LIMIT, || async {
        let mut setup = start("v1");
        let reports = setup.new_reports().await;
        assert_eq!(
            reports,
            ["v1"],
            "before any change, the watcher must report the configuration's value at once, \
             once. An empty list: it waits for a change before its first report."
        );
        setup.close();
    });
}

#[test]
fn reports_each_change_once_and_never_a_stale_value() {
    on_paused_tokio(LIMIT, || async {
        let mut setup = start("v1");
        assert_eq!(setup.new_reports().await, ["v1"], "first the current value");
        setup.set("v2");
        let reports = setup.new_reports().await;
        assert_eq!(
            reports,
            ["v2"],
            "the configuration changed from v1 to v2: the watcher must report v2, once. {}",
            if reports == ["v1"] {
                "It reported v1 again: a stale value, read before it waited for the change \
                 instead of after."
            } else if reports.is_empty() {
                "It reported nothing: a change was missed."
            } else {
                ""
            }
        );
        setup.set("v3");
        setup.set("v4");
        let reports = setup.new_reports().await;
        assert_eq!(
            reports.last().map(String::as_str),
            Some("v4"),
            "the configuration changed to v3, then v4, before the watcher ran: its last report \
             must be the latest value, v4 (v3 may be skipped), but its reports were {reports:?}. \
             A watch channel keeps only the latest value: read it after `changed` returns."
        );
        assert!(
            !reports.contains(&"v2".to_owned()) && reports.len() <= 2,
            "after v2 was reported, the configuration changed to v3, then v4: the reports \
             {reports:?} repeat a value or report one more than once"
        );
        let reports = setup.new_reports().await;
        assert!(
            reports.is_empty(),
            "the configuration did not change, yet the watcher reported {reports:?}: a change \
             must be reported once. Likely cause: the value read is not marked seen, so \
             `changed` returns at once for it again."
        );
        setup.close();
    });
}

#[test]
fn a_value_set_before_the_watcher_runs_is_reported_once() {
    on_paused_tokio(LIMIT, || async {
        let mut setup = start("v1");
        setup.set("v2"); // before the watcher's task has run at all
        let reports = setup.new_reports().await;
        assert_eq!(
            reports,
            ["v2"],
            "the value changed to v2 before the watcher ran: it must report v2 once (v1 is \
             gone). Two reports of v2: the value read is not marked seen (`borrow` does not \
             mark it; `borrow_and_update` does), so `changed` returned at once for it."
        );
        setup.close();
    });
}

#[test]
fn reports_the_last_value_then_ends_when_the_sender_is_dropped() {
    on_paused_tokio(LIMIT, || async {
        let mut setup = start("v1");
        assert_eq!(setup.new_reports().await, ["v1"], "first the current value");
        setup.set("last");
        setup.close();
        let reports = setup.new_reports().await;
        assert_eq!(
            reports,
            ["last"],
            "the configuration was set to \"last\", then its sender was dropped: the watcher \
             must still report \"last\", once, then end. A value sent just before the sender \
             goes is not lost: `changed` returns Ok for it, and fails only once it is seen."
        );
        assert!(
            setup.watcher.is_finished(),
            "the configuration's sender was dropped, and the watcher is still running: it must \
             return once `changed` fails"
        );
        if let Err(error) = setup.watcher.await {
            panic!(
                "the watcher's task did not end well: {error}. When the sender is dropped, \
                 `changed` returns an error: return then, do not unwrap it."
            );
        }
    });
}
