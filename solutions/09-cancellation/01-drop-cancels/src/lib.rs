//! A pool of connections, and an async function that borrows one for a job.
//!
//! Why this works: a cancelled future is dropped, never resumed, so code
//! written after an `.await` runs only if that `.await` completes. What
//! does run on every way out (finishing, a panic unwinding, a drop at any
//! `.await`) is the destructor of each value the future holds. So the
//! connection is handed to a guard, a local that lives for the whole job,
//! and the guard's `Drop` puts it back: at once, with a plain call, since a
//! destructor cannot await and may run where there is no runtime.

use std::future::Future;
use std::sync::{Arc, Mutex, PoisonError};

/// A connection of a [`Pool`]. It is not `Clone`: each one exists once,
/// either in the pool or in the hands of a job.
#[derive(Debug)]
pub struct Conn {
    id: usize,
}

impl Conn {
    /// The connection's number, `0..size` of its pool.
    pub fn id(&self) -> usize {
        self.id
    }
}

/// A fixed set of connections. Clones share the same set.
#[derive(Clone, Debug)]
pub struct Pool {
    free: Arc<Mutex<Vec<Conn>>>,
}

impl Pool {
    /// A pool of `size` free connections, numbered `0..size`.
    pub fn new(size: usize) -> Pool {
        let free = (0..size).rev().map(|id| Conn { id }).collect();
        Pool {
            free: Arc::new(Mutex::new(free)),
        }
    }

    /// Takes a free connection out of the pool, if there is one.
    pub fn checkout(&self) -> Option<Conn> {
        self.free
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .pop()
    }

    /// Puts a connection back. Panics if that connection is already in the
    /// pool: a connection given back twice was copied somewhere.
    pub fn checkin(&self, conn: Conn) {
        let mut free = self.free.lock().unwrap_or_else(PoisonError::into_inner);
        assert!(
            free.iter().all(|c| c.id != conn.id),
            "connection {} was given back to the pool twice: give it back in one place, \
             one that runs on every way out and only once",
            conn.id
        );
        free.push(conn);
    }

    /// How many connections are in the pool now.
    pub fn available(&self) -> usize {
        self.free
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .len()
    }
}

/// Holds a checked-out connection and gives it back when dropped.
struct Lease<'a> {
    pool: &'a Pool,
    conn: Option<Conn>,
}

impl Drop for Lease<'_> {
    fn drop(&mut self) {
        if let Some(conn) = self.conn.take() {
            self.pool.checkin(conn);
        }
    }
}

/// Takes a connection from `pool`, runs `job` with the connection's id, and
/// gives the connection back. Returns the job's output, or `None` at once
/// (without calling `job` at all) if no connection is free.
///
/// - The connection is out of the pool for exactly as long as the job
///   runs: from before its first poll until it finishes or is dropped.
/// - It goes back to the pool on every way out: when the job finishes,
///   when the job panics, and when the future that `with_connection`
///   returns is dropped before it finishes (cancelled), whatever `.await`
///   it is waiting at.
/// - Giving it back happens during that drop, not later: the tests look
///   at the pool right after the drop, also outside any runtime.
pub async fn with_connection<F, Fut>(pool: &Pool, job: F) -> Option<Fut::Output>
where
    F: FnOnce(usize) -> Fut,
    Fut: Future,
{
    let conn = pool.checkout()?;
    let id = conn.id();
    // A named binding: the lease lives until the end of this function, or
    // until the future is dropped, whichever comes first.
    let _lease = Lease {
        pool,
        conn: Some(conn),
    };
    Some(job(id).await)
}
