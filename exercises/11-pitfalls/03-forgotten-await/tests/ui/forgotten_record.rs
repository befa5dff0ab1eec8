// The future of an `async fn` is must_use: forgetting it is a warning,
// here an error.
#![deny(unused_must_use)]

use forgotten_await::AuditLog;

async fn log_start(audit: &AuditLog) {
    audit.record("service started".to_owned());
}

fn main() {
    let audit = AuditLog::default();
    drop(log_start(&audit));
}
