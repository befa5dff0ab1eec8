use std::sync::mpsc as std_mpsc;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use blocking::{Accounts, Denied, Hasher, Session};
use tokio::sync::mpsc;
use tokio::task::JoinSet;
use tokio::time::{Instant, interval};
use workbook_support::on_paused_tokio;

const LIMIT: Duration = Duration::from_secs(5);
const DELAY: Duration = Duration::from_millis(300);
const BEAT: Duration = Duration::from_millis(100);

/// A fast hash for the tests (the real one is slow on purpose).
fn quick_hash(password: &str) -> u64 {
    password
        .bytes()
        .fold(7, |hash, byte| hash.wrapping_mul(31) ^ u64::from(byte))
}

fn accounts(hasher: Hasher) -> Accounts {
    Accounts::new(
        [
            ("ada", quick_hash("lovelace")),
            ("alan", quick_hash("turing")),
        ],
        hasher,
        DELAY,
    )
}

/// Starts a heartbeat task that beats every `BEAT` of the runtime's clock
/// and notes when; returns those times.
async fn heartbeat() -> Arc<Mutex<Vec<Instant>>> {
    let beats = Arc::new(Mutex::new(Vec::new()));
    let log = beats.clone();
    tokio::spawn(async move {
        let mut ticks = interval(BEAT);
        loop {
            ticks.tick().await;
            log.lock().unwrap().push(Instant::now());
        }
    });
    // Let it take its first beat, at once.
    tokio::task::yield_now().await;
    beats
}

/// Why a login took `waited` of the runtime's clock instead of `DELAY`.
fn why(waited: Duration) -> &'static str {
    if waited.is_zero() {
        "The wait went past the runtime's timer: it held a thread for the whole delay \
         (a blocking sleep on the runtime's thread stalls every task; in the blocking pool it \
         still ties up a thread per failed login), or it did not wait at all. Waiting needs \
         no thread: a timer wakes the task when the delay is over."
    } else {
        "The delay must be the one the accounts were made with, waited once, and only when \
         the login fails."
    }
}

/// Awaits `login`, but reports, after 2 s of real time, a login that has
/// not answered. The runtime's clock is paused, and tokio does not move a
/// paused clock forward while a task of its blocking pool runs
/// (tokio/src/runtime/blocking/schedule.rs): a wait done on a pool thread
/// with the runtime's own timer never ends there. (This real-time bound
/// only decides how soon the failure is reported.)
async fn answer<T>(what: &str, login: impl Future<Output = T>) -> T {
    let (stop, stopped) = std_mpsc::channel::<()>();
    let (late, is_late) = tokio::sync::oneshot::channel::<()>();
    std::thread::spawn(move || {
        if let Err(std_mpsc::RecvTimeoutError::Timeout) =
            stopped.recv_timeout(Duration::from_secs(2))
        {
            let _ = late.send(());
        }
    });
    tokio::select! {
        biased;
        answer = login => {
            drop(stop);
            answer
        }
        _ = is_late => panic!(
            "{what} did not answer within 2 s of real time, and the runtime's clock stood \
             still meanwhile: tokio's paused clock does not move while a task of the blocking \
             pool runs. The wait was handed to the blocking pool (a `spawn_blocking` whose \
             closure sleeps or calls `block_on` on the runtime's timer): it holds a pool thread \
             for the whole delay, one per failed login. Waiting needs no thread: await the \
             runtime's timer in `login` itself."
        ),
    }
}

fn beats_between(beats: &Mutex<Vec<Instant>>, start: Instant, end: Instant) -> usize {
    let beats = beats.lock().unwrap();
    beats.iter().filter(|&&at| at > start && at < end).count()
}

#[test]
fn the_right_password_logs_in_and_a_wrong_one_is_denied() {
    on_paused_tokio(LIMIT, || async {
        let accounts = accounts(Arc::new(quick_hash));
        assert_eq!(
            accounts.login("ada", "lovelace").await,
            Ok(Session { user: "ada".into() }),
            "ada's right password must log her in"
        );
        assert_eq!(
            accounts.login("ada", "babbage").await,
            Err(Denied),
            "a wrong password must be denied"
        );
        assert_eq!(
            accounts.login("grace", "lovelace").await,
            Err(Denied),
            "an unknown user must be denied"
        );
    });
}

/// A hasher that, in the middle of its work, asks a heartbeat task on the
/// runtime for a beat, and notes whether the beat came.
fn hasher_that_asks_for_a_beat(
    answered: Arc<Mutex<Vec<bool>>>,
) -> (Hasher, impl Future<Output = ()>) {
    let (asks, mut asked) = mpsc::unbounded_channel::<std_mpsc::Sender<()>>();
    let heartbeat = async move {
        while let Some(reply) = asked.recv().await {
            let _ = reply.send(());
        }
    };
    let hasher: Hasher = Arc::new(move |password: &str| {
        let (reply, beat) = std_mpsc::channel();
        asks.send(reply).expect("the heartbeat task is gone");
        // The beat comes as soon as the runtime runs the heartbeat task. It
        // can never come while this very thread is the runtime's thread,
        // which is why this bound only decides how soon that is reported.
        let came = beat.recv_timeout(Duration::from_secs(2)).is_ok();
        answered.lock().unwrap().push(came);
        quick_hash(password)
    });
    (hasher, heartbeat)
}

#[test]
fn the_heartbeat_keeps_beating_while_a_password_is_hashed() {
    on_paused_tokio(LIMIT, || async {
        let answered = Arc::new(Mutex::new(Vec::new()));
        let (hasher, heartbeat) = hasher_that_asks_for_a_beat(answered.clone());
        tokio::spawn(heartbeat);
        let accounts = accounts(hasher);
        let result = accounts.login("alan", "turing").await;
        let answered = answered.lock().unwrap().clone();
        assert_eq!(
            answered.len(),
            1,
            "login should hash the password once; the hasher was called {} times",
            answered.len()
        );
        assert!(
            answered[0],
            "while `login` hashed a password, the heartbeat task on the same runtime could not \
             beat for 2 s: the hash held the runtime's thread, so every other task of the \
             service stalled until it was done. Hashing is CPU work: it must run on a thread \
             of its own, not on the runtime's (and on a current-thread runtime, where these \
             tests run, there is only one)."
        );
        assert_eq!(
            result,
            Ok(Session {
                user: "alan".into()
            }),
            "alan's right password must log him in"
        );
    });
}

#[test]
fn a_failed_login_waits_on_the_runtime_clock_while_the_heartbeat_beats() {
    on_paused_tokio(LIMIT, || async {
        let accounts = accounts(Arc::new(quick_hash));
        let beats = heartbeat().await;
        let start = Instant::now();
        let result = answer("a failed login", accounts.login("ada", "babbage")).await;
        let end = Instant::now();
        assert_eq!(result, Err(Denied), "a wrong password must be denied");
        let waited = end - start;
        let beaten = beats_between(&beats, start, end);
        assert!(
            waited == DELAY,
            "a failed login should answer after its delay of {DELAY:?} on the runtime's clock, \
             while a heartbeat task beside it beats every {BEAT:?}. It answered after {waited:?} \
             of the runtime's clock, and the heartbeat beat {beaten} times meanwhile. \
             {}",
            why(waited)
        );
        assert!(
            beaten >= 2,
            "during a failed login's delay of {DELAY:?}, a heartbeat that beats every {BEAT:?} \
             should beat at least twice; it beat {beaten} times: the wait kept the runtime busy"
        );
    });
}

#[test]
fn a_successful_login_does_not_wait() {
    on_paused_tokio(LIMIT, || async {
        let accounts = accounts(Arc::new(quick_hash));
        let start = Instant::now();
        let result = accounts.login("ada", "lovelace").await;
        assert_eq!(
            result,
            Ok(Session { user: "ada".into() }),
            "ada must log in"
        );
        assert_eq!(
            start.elapsed(),
            Duration::ZERO,
            "a successful login must not wait: only a failed one waits its {DELAY:?}"
        );
    });
}

#[test]
fn an_unknown_user_waits_like_a_wrong_password() {
    on_paused_tokio(LIMIT, || async {
        let accounts = accounts(Arc::new(quick_hash));
        let start = Instant::now();
        let result = answer(
            "a login for an unknown user",
            accounts.login("grace", "hopper"),
        )
        .await;
        assert_eq!(result, Err(Denied), "an unknown user must be denied");
        let waited = start.elapsed();
        assert!(
            waited == DELAY,
            "a login for an unknown user must be denied after the same delay as a wrong \
             password, {DELAY:?} of the runtime's clock (else the delay tells a guesser which \
             names exist); it answered after {waited:?}. {}",
            why(waited)
        );
    });
}

#[test]
fn failed_logins_wait_side_by_side() {
    on_paused_tokio(LIMIT, || async {
        let accounts = Arc::new(accounts(Arc::new(quick_hash)));
        let start = Instant::now();
        let mut logins = JoinSet::new();
        for guess in ["a", "b", "c", "d"] {
            let accounts = accounts.clone();
            logins
                .spawn(async move { answer("a failed login", accounts.login("ada", guess)).await });
        }
        while let Some(result) = logins.join_next().await {
            assert_eq!(
                result.expect("a login panicked"),
                Err(Denied),
                "wrong passwords"
            );
        }
        let waited = start.elapsed();
        assert!(
            waited == DELAY,
            "four failed logins spawned at once should all answer {DELAY:?} later on the \
             runtime's clock, as their waits overlap; the last answered after {waited:?}. {}",
            why(waited)
        );
    });
}
