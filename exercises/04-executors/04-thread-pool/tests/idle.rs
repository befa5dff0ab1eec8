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
        // A worker that sleeps with a timeout and looks at the queue each
        // time it runs out is asleep in most looks above, yet wakes all the
        // time: count how often each worker went to sleep in a quiet time.
        let before: Vec<Option<u64>> = workers.iter().map(|w| sleeps(w)).collect();
        thread::sleep(Duration::from_millis(100));
        for (worker, before) in workers.iter().zip(before) {
            if let (Some(before), Some(after)) = (before, sleeps(worker)) {
                let naps = after - before;
                assert!(
                    naps <= 5,
                    "with no task ready for 100ms, a worker went to sleep and woke up again \
                     {naps} times. Expected a few at most: an idle worker sleeps until a task \
                     is queued or the pool is dropped. Likely cause: it waits with a timeout \
                     (or naps) and looks at the queue each time the wait runs out."
                );
            }
        }
        let (dropped, drop_done) = std::sync::mpsc::channel();
        thread::spawn(move || {
            drop(pool);
            let _ = dropped.send(());
        });
        assert!(
            drop_done.recv_timeout(Duration::from_secs(2)).is_ok(),
            "dropping an idle pool did not return within 2s: wake every sleeping worker so it \
             sees the stop flag, then join. Likely cause: the drop sets the flag but does not \
             notify the workers' wait (or wakes only one of them)."
        );
    });
}

/// How many times a thread has gone to sleep by itself (Linux).
fn sleeps(thread: &str) -> Option<u64> {
    let text = fs::read_to_string(format!("/proc/self/task/{thread}/status")).ok()?;
    let line = text
        .lines()
        .find(|line| line.starts_with("voluntary_ctxt_switches:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}
