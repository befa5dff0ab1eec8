use std::panic::{self, AssertUnwindSafe};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering::SeqCst};
use std::task::Poll;
use std::time::Duration;

use drop_cancels::{Pool, with_connection};
use tokio::time::{sleep, timeout};
use workbook_support::{Driver, on_paused_tokio, within};

const LIMIT: Duration = Duration::from_secs(5);

#[test]
fn runs_the_job_and_gives_the_connection_back() {
    on_paused_tokio(LIMIT, || async {
        let pool = Pool::new(2);
        let output = with_connection(&pool, |id| async move {
            sleep(Duration::from_millis(10)).await;
            id + 100
        })
        .await;
        assert_eq!(
            output,
            Some(100),
            "with_connection on a pool of 2 should run the job with the first free \
             connection (id 0) and return Some(the job's output)"
        );
        assert_eq!(
            pool.available(),
            2,
            "the job finished: its connection must be back in the pool"
        );
    });
}

#[test]
fn returns_none_when_no_connection_is_free() {
    on_paused_tokio(LIMIT, || async {
        let pool = Pool::new(1);
        let held = pool.checkout().expect("a pool of 1 has a connection");
        let (called, ran) = (AtomicBool::new(false), AtomicBool::new(false));
        let output = with_connection(&pool, |_| {
            // The closure's own body, outside the future it returns.
            called.store(true, SeqCst);
            async {
                ran.store(true, SeqCst);
            }
        })
        .await;
        assert_eq!(output, None, "no connection was free: expected None");
        assert!(
            !ran.load(SeqCst),
            "no connection was free: the job must not run"
        );
        assert!(
            !called.load(SeqCst),
            "no connection was free, and with_connection still called the job closure (its \
             future was never awaited, but the closure's own code ran): the contract says \
             None at once, without calling the job at all. A closure's body can do work before it \
             returns its future; call the job only once a connection is in hand."
        );
        pool.checkin(held);
    });
}

#[test]
fn the_job_gets_the_id_of_the_connection_it_holds() {
    on_paused_tokio(LIMIT, || async {
        let pool = Pool::new(2);
        let zero = pool.checkout().expect("a pool of 2 has a connection");
        assert_eq!(zero.id(), 0, "a new pool hands out connection 0 first");
        let output = with_connection(&pool, |id| async move { id }).await;
        assert_eq!(
            output,
            Some(1),
            "connection 0 was held elsewhere, so with_connection could only take connection 1, \
             but the job, which returns the id it is given, returned {output:?}: the job must \
             get the id of the connection that with_connection checked out"
        );
        pool.checkin(zero);
    });
}

#[test]
fn the_connection_stays_out_while_the_job_runs() {
    on_paused_tokio(LIMIT, || async {
        let pool = Pool::new(3);
        let seen = with_connection(&pool, |_| async {
            let at_start = pool.available();
            sleep(Duration::from_millis(10)).await;
            (at_start, pool.available())
        })
        .await;
        assert_eq!(
            seen,
            Some((2, 2)),
            "a job on a pool of 3 saw (free connections at its start, after its first \
             .await) = {seen:?}: its own connection must be out of the pool for as long as it \
             runs, so both should be 2. If it came back too early, check what keeps it out: a \
             value bound to `_` (as in `let _ = ...;`) is dropped at once, at the end of that \
             statement; a named binding such as `_name` lives to the end of its scope."
        );
        assert_eq!(pool.available(), 3, "after the job, all 3 must be free");
    });
}

#[test]
fn a_cancelled_call_gives_its_connection_back() {
    on_paused_tokio(LIMIT, || async {
        let pool = Pool::new(2);
        let finished = AtomicBool::new(false);
        let cut = timeout(
            Duration::from_millis(5),
            with_connection(&pool, |_| async {
                sleep(Duration::from_secs(60)).await;
                finished.store(true, SeqCst);
            }),
        )
        .await;
        assert!(cut.is_err(), "a 60 s job cannot finish within 5 ms");
        assert!(
            !finished.load(SeqCst),
            "the job's code after its `.await` ran, though its future was dropped there"
        );
        // Right after `timeout` dropped the call: nothing else has run since.
        assert_eq!(
            pool.available(),
            2,
            "with_connection's future was dropped while its job waited (a timeout gave up on \
             it), and its connection never came back to the pool: the pool has {} of 2 free, \
             right after the drop. A dropped future runs none of its code after the `.await` \
             it was waiting at; only the destructors of the values it holds run. Cleanup that \
             must happen on every way out belongs in a `Drop`, not after an `.await`.",
            pool.available()
        );
    });
}

/// Drops `call` outside any runtime; a panic in the drop fails the test
/// with an explanation.
fn drop_without_runtime<T>(call: T) {
    let dropped = panic::catch_unwind(AssertUnwindSafe(move || drop(call)));
    if let Err(payload) = dropped {
        let message = payload
            .downcast_ref::<String>()
            .map(String::as_str)
            .or_else(|| payload.downcast_ref::<&str>().copied())
            .unwrap_or("(no message)");
        panic!(
            "dropping with_connection's future outside a tokio runtime panicked: {message:?}. \
             A destructor cannot wait: it runs to its end during the drop, with whatever is \
             around (here, no runtime). Give the connection back with a plain call, not by \
             spawning a task or awaiting anything."
        );
    }
}

#[test]
fn dropping_the_call_gives_the_connection_back_at_once_even_without_a_runtime() {
    within(LIMIT, || {
        let pool = Pool::new(1);
        let mut driver = Driver::new("with_connection(&pool, job)");
        let mut call = Box::pin(with_connection(&pool, |_| std::future::pending::<()>()));
        assert_eq!(
            driver.poll(call.as_mut()),
            Poll::Pending,
            "the job never finishes, so the call must be Pending"
        );
        assert_eq!(
            pool.available(),
            0,
            "the job is running, so its connection must be out of the pool; it came back \
             before the job finished. Is the value that keeps it out dropped too early?"
        );
        drop_without_runtime(call);
        assert_eq!(
            pool.available(),
            1,
            "with_connection's future was polled once and dropped, and its connection never \
             came back to the pool. Dropping is the only thing that happens to a cancelled \
             future: the giving back must happen inside a destructor (`Drop::drop`) of a value \
             the future holds."
        );
    });
}

#[test]
fn a_panicking_job_gives_its_connection_back() {
    on_paused_tokio(LIMIT, || async {
        let pool = Pool::new(2);
        let shared = pool.clone();
        let task = tokio::spawn(async move {
            with_connection(&shared, |_| async {
                sleep(Duration::from_millis(1)).await;
                panic!("the job failed");
            })
            .await
        });
        let joined = task.await;
        assert!(
            joined.is_err_and(|error| error.is_panic()),
            "the job panics, so the task running with_connection must end with that panic"
        );
        assert_eq!(
            pool.available(),
            2,
            "the job panicked, and its connection never came back to the pool. A panic \
             unwinds the stack and drops the values on the way, as a cancellation does: \
             the same `Drop` handles both."
        );
    });
}

#[test]
fn a_call_that_is_never_polled_takes_nothing() {
    within(LIMIT, || {
        let pool = Pool::new(1);
        let call = with_connection(&pool, |_| async {});
        assert_eq!(
            pool.available(),
            1,
            "with_connection(..) was called but its future not polled yet, and a connection \
             was already out: an async fn does nothing until it is polled"
        );
        drop(call);
        assert_eq!(pool.available(), 1, "the connection must still be free");
    });
}

#[test]
fn many_calls_cancelled_at_random_points_leak_nothing() {
    on_paused_tokio(LIMIT, || async {
        let pool = Pool::new(2);
        let running = Arc::new(AtomicUsize::new(0));
        let most = Arc::new(AtomicUsize::new(0));
        let mut finished = 0;
        for round in 0..20_u64 {
            let (running, most) = (running.clone(), most.clone());
            let job = move |_| async move {
                let now = running.fetch_add(1, SeqCst) + 1;
                most.fetch_max(now, SeqCst);
                // Leaves `running` when done or dropped.
                struct Leave(Arc<AtomicUsize>);
                impl Drop for Leave {
                    fn drop(&mut self) {
                        self.0.fetch_sub(1, SeqCst);
                    }
                }
                let _leave = Leave(running);
                sleep(Duration::from_millis(3)).await;
                sleep(Duration::from_millis(3)).await;
            };
            // Cancelled before, between or after the job's two sleeps.
            let patience = Duration::from_millis(round % 4 * 2 + 1);
            if let Ok(Some(())) = timeout(patience, with_connection(&pool, job)).await {
                finished += 1;
            }
            assert_eq!(
                pool.available(),
                2,
                "call {round}, given {patience:?} for a 6 ms job, left the pool with {} of 2 \
                 free: a call cancelled at any `.await` must give its connection back",
                pool.available()
            );
        }
        assert_eq!(finished, 5, "the calls given 7 ms finish their 6 ms job");
        assert_eq!(most.load(SeqCst), 1, "the calls ran one after the other");
    });
}
