//! Idle workers must sleep. On Linux the test reads each new thread's
//! scheduler state in /proc: `R` is running or ready to run, `S` asleep.
//! (Elsewhere it checks nothing.) It is the only test in this file, so
//! the only new threads are the pool's.

use std::collections::HashSet;
use std::fs;
use std::thread;
use std::time::Duration;

use thread_pool::ThreadPool;
use workbook_support::within;

fn threads() -> HashSet<String> {
    fs::read_dir("/proc/self/task")
        .map(|dir| {
            dir.filter_map(|entry| Some(entry.ok()?.file_name().to_string_lossy().into_owned()))
                .collect()
        })
        .unwrap_or_default()
}

fn state(thread: &str) -> Option<char> {
    let text = fs::read_to_string(format!("/proc/self/task/{thread}/stat")).ok()?;
    text[text.rfind(')')? + 1..].trim_start().chars().next()
}

#[test]
fn idle_workers_sleep() {
    within(Duration::from_secs(5), || {
        let before = threads();
        let pool = ThreadPool::new(2);
        pool.spawn(async {});
        thread::sleep(Duration::from_millis(20));
        let workers: Vec<String> = threads().difference(&before).cloned().collect();
        let (mut samples, mut running) = (0, 0);
        for _ in 0..100 {
            thread::sleep(Duration::from_millis(1));
            for worker in &workers {
                if let Some(state) = state(worker) {
                    samples += 1;
                    running += usize::from(state == 'R');
                }
            }
        }
        assert!(
            running * 4 <= samples,
            "with no task ready, the workers did not sleep: in {running} of {samples} looks a \
             worker was running or ready to run. A worker waiting for a task must sleep until \
             one is queued (not loop over an empty queue)."
        );
        drop(pool);
    });
}
