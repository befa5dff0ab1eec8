//! A login service: it checks passwords against stored hashes, and makes a
//! failed login wait before it answers, to slow down password guessing.

use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;

/// A password hash function. Real ones are slow on purpose (many rounds of
/// work), so that a stolen table of hashes is costly to attack.
pub type Hasher = Arc<dyn Fn(&str) -> u64 + Send + Sync>;

/// A slow, CPU-bound password hash: a stand-in for a real key derivation
/// function. It takes some milliseconds of pure computation.
// ANCHOR: slow_hash
pub fn slow_hash(password: &str) -> u64 {
    let mut state: u64 = 0xcbf2_9ce4_8422_2325;
    for round in 0..200_000_u64 {
        for byte in password.bytes() {
            state = (state ^ u64::from(byte) ^ round).wrapping_mul(0x0100_0000_01b3);
        }
    }
    state
}
// ANCHOR_END: slow_hash

/// A logged-in user.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Session {
    pub user: String,
}

/// The answer to a wrong password or an unknown user.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Denied;

/// The accounts of a service, and how its logins behave.
pub struct Accounts {
    /// User name -> the hash of their password.
    users: HashMap<String, u64>,
    hasher: Hasher,
    failed_login_delay: Duration,
}

impl Accounts {
    /// `users` gives each user's name and the `hasher`'s hash of their
    /// password.
    pub fn new<'a>(
        users: impl IntoIterator<Item = (&'a str, u64)>,
        hasher: Hasher,
        failed_login_delay: Duration,
    ) -> Self {
        let users = users
            .into_iter()
            .map(|(name, hash)| (name.to_owned(), hash))
            .collect();
        Self {
            users,
            hasher,
            failed_login_delay,
        }
    }

    // ANCHOR: login
    /// Logs `user` in if the hash of `password` is the one stored for them.
    ///
    /// - `Ok(Session)` for the right password; `Err(Denied)` for a wrong
    ///   one or an unknown user, and only after `failed_login_delay`
    ///   (a successful login does not wait).
    /// - A login never stalls the other tasks of its runtime: while it
    ///   hashes and while it waits, they keep running. Hashing is CPU
    ///   work; waiting is no work at all and must not occupy any thread.
    /// - It works on every tokio runtime, the current-thread one included.
    ///
    /// The tests run a heartbeat task beside `login` and fail when it
    /// misses beats.
    pub async fn login(&self, user: &str, password: &str) -> Result<Session, Denied> {
        // TODO: this handler holds its runtime's thread twice. Make both
        // the hashing and the waiting leave the runtime free.
        let hash = (self.hasher)(password);
        if self.users.get(user) != Some(&hash) {
            std::thread::sleep(self.failed_login_delay);
            return Err(Denied);
        }
        Ok(Session {
            user: user.to_owned(),
        })
    }
    // ANCHOR_END: login
}
