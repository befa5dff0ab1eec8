use std::future::Future;
use std::panic::{self, AssertUnwindSafe};
use std::pin::{Pin, pin};
use std::task::Poll;
use std::time::Duration;

use state_machine::{BrewTea, Kitchen, brew_tea};
use workbook_support::{Driver, Limits, Trace, on_paused_tokio, within};

const LIMIT: Duration = Duration::from_secs(5);

/// What one run recorded: the output, the trace and the number of wake-ups.
struct Run {
    output: String,
    trace: String,
    wakes: usize,
}

/// Runs the future `make` builds in a fresh kitchen, the way an executor
/// would, and records every poll, wake-up, kettle and teapot step, and the
/// output. If the future panics, the steps so far are printed below the
/// panic message.
fn brew<F: Future<Output = String>>(
    name: String,
    make: impl FnOnce(Kitchen) -> F + Send + 'static,
) -> Run {
    within(LIMIT, move || {
        let trace = Trace::new();
        let mut driver = Driver::traced(&name, &trace);
        driver.when_not_woken(
            "BrewTea must not wake the waker itself: like the future of brew_tea, it returns \
             Pending only right after `boil` or `steep` returned Pending, and they have \
             arranged the wake-up. When the kettle or the teapot is Ready, or a state has \
             just been entered, carry on to the next step in the same poll instead of \
             returning Pending.",
        );
        let future = make(Kitchen::new(&trace));
        let limits = Limits { max_polls: 20 };
        match panic::catch_unwind(AssertUnwindSafe(|| driver.run(future, limits))) {
            Ok(output) => {
                trace.push(format!("output: {output:?}"));
                Run {
                    output,
                    trace: trace.render(),
                    wakes: driver.wakes(),
                }
            }
            Err(payload) => {
                let rendered = trace.render();
                eprintln!(
                    "`{name}` failed (see the message above).{}\n\
                     Remember: BrewTea returns Pending only when `boil` or `steep` has just \
                     returned Pending (they arrange the wake-up), and before it returns, `self` \
                     must hold the state to resume from. What happened until then:\n{rendered}",
                    restart_note(&rendered)
                );
                panic::resume_unwind(payload)
            }
        }
    })
}

/// An explanation when `trace` shows more Pendings than one kettle and one
/// teapot give: a leaf future was made anew on a later poll.
fn restart_note(trace: &str) -> &'static str {
    if trace.matches("boil: Pending").count() > 2 || trace.matches("steep: Pending").count() > 1 {
        "\nThe kettle is Pending only twice and the teapot once, yet the trace shows more: a \
         new kettle or teapot was made on a later poll, and a new one starts from the \
         beginning. Make each leaf future once, keep it in the state, and poll that same one \
         on every later poll."
    } else {
        ""
    }
}

/// Polls `future` by hand up to `polls` times, stopping early if it is
/// Ready, and gives back the results and the trace.
fn poll_times<F: Future<Output = String>>(
    name: &'static str,
    polls: usize,
    make: impl FnOnce(Kitchen) -> F + Send + 'static,
) -> (Vec<Poll<String>>, String) {
    within(LIMIT, move || {
        let trace = Trace::new();
        let mut driver = Driver::traced(name, &trace);
        let mut future = pin!(make(Kitchen::new(&trace)));
        let mut results = Vec::new();
        while results.len() < polls {
            let result = driver.poll(future.as_mut());
            let ready = result.is_ready();
            results.push(result);
            if ready {
                break;
            }
        }
        (results, trace.render())
    })
}

#[test]
fn brews_tea_for_two() {
    let by_hand = brew("BrewTea::new(kitchen, 2)".into(), |k| BrewTea::new(k, 2));
    assert_eq!(
        by_hand.output, "tea for 2: 500 ml of black tea",
        "BrewTea::new(kitchen, 2) should output what brew_tea(kitchen, 2) does"
    );
}

#[test]
fn brews_the_same_tea_as_the_async_fn_for_any_number_of_cups() {
    for cups in [1, 3, 4] {
        let by_async_fn = brew(format!("brew_tea(kitchen, {cups})"), move |k| {
            brew_tea(k, cups)
        });
        let by_hand = brew(format!("BrewTea::new(kitchen, {cups})"), move |k| {
            BrewTea::new(k, cups)
        });
        assert_eq!(
            by_hand.output, by_async_fn.output,
            "BrewTea::new(kitchen, {cups}) should output what brew_tea(kitchen, {cups}) does"
        );
    }
}

#[test]
fn new_runs_nothing_until_the_first_poll() {
    within(LIMIT, || {
        let trace = Trace::new();
        let brew = BrewTea::new(Kitchen::new(&trace), 2);
        let state = match &brew {
            BrewTea::Start { .. } => None,
            BrewTea::Boiling { .. } => Some("Boiling"),
            BrewTea::Steeping { .. } => Some("Steeping"),
            BrewTea::Done => Some("Done"),
        };
        drop(brew);
        assert!(
            state.is_none() && trace.render().is_empty(),
            "calling brew_tea(kitchen, 2) runs none of its body: it only stores the arguments, \
             and the body starts at the first poll. So `BrewTea::new(kitchen, 2)`, dropped \
             without being polled, must be `BrewTea::Start` and must not have touched the \
             kitchen, but it was `BrewTea::{}`{}. Likely cause: `new` puts the kettle on \
             (calls `kitchen.boil`) or moves on to a later state; leave that to `poll`.",
            state.unwrap_or("Start"),
            match trace.render() {
                t if t.is_empty() => String::new(),
                t => format!(" and the kitchen recorded:\n{t}"),
            }
        );
    });
}

#[test]
fn first_poll_runs_up_to_the_first_await() {
    let (results, trace) = poll_times("BrewTea::new(kitchen, 2)", 1, |k| BrewTea::new(k, 2));
    assert!(
        trace.matches("boil:").count() == 1
            && trace.contains("boil: Pending")
            && results == [Poll::Pending],
        "the first poll of an async fn runs its body up to the first `.await`, and that \
         `.await` polls the kettle once: poll 1 of BrewTea should poll `boil` once, get \
         Pending, and return Pending at once (polling again in the same poll is a busy \
         loop that blocks the thread). Instead:\n{trace}"
    );
}

#[test]
fn starts_steeping_in_the_poll_where_the_water_boils() {
    let (_, trace) = poll_times("BrewTea::new(kitchen, 2)", 3, |k| BrewTea::new(k, 2));
    let poll_3 = trace
        .split("poll 3\n")
        .nth(1)
        .unwrap_or("(there was no poll 3)");
    assert!(
        poll_3.starts_with("  boil: Ready") && poll_3.contains("steep: Pending"),
        "the kettle is Pending twice, so poll 3 should get the hot water from `boil` and, in \
         the same poll, create the teapot and poll `steep`, the way an async fn carries on past \
         an `.await` that is ready.{}\nInstead:\n{trace}",
        restart_note(&trace)
    );
}

#[test]
fn polls_and_wakes_like_the_async_fn() {
    let by_async_fn = brew("brew_tea(kitchen, 2)".into(), |k| brew_tea(k, 2));
    let by_hand = brew("BrewTea::new(kitchen, 2)".into(), |k| BrewTea::new(k, 2));
    assert!(
        by_hand.trace == by_async_fn.trace,
        "BrewTea should be polled, poll the kettle and the teapot, and wake exactly like \
         brew_tea.\nBrewTea (left):\n{}\nbrew_tea (right):\n{}",
        by_hand.trace,
        by_async_fn.trace
    );
}

#[test]
fn wakes_only_when_the_kettle_or_the_teapot_does() {
    let by_async_fn = brew("brew_tea(kitchen, 2)".into(), |k| brew_tea(k, 2));
    let by_hand = brew("BrewTea::new(kitchen, 2)".into(), |k| BrewTea::new(k, 2));
    assert_eq!(
        by_hand.wakes, by_async_fn.wakes,
        "brew_tea wakes its waker only through the kettle and the teapot: they woke it \
         {} times. BrewTea woke it {} times: a Pending from `boil` or `steep` already \
         arranged the wake-up, so BrewTea must not add its own.",
        by_async_fn.wakes, by_hand.wakes
    );
}

#[test]
fn panics_when_polled_after_completion() {
    within(LIMIT, || {
        let trace = Trace::new();
        let outcome = poll_after_completion(pin!(BrewTea::new(Kitchen::new(&trace), 2)));
        assert!(
            outcome.is_err(),
            "polling a BrewTea again after it returned Ready gave {outcome:?}; it should panic, \
             as the future of an async fn does (\"`async fn` resumed after completion\")"
        );
        assert!(
            !trace.render().contains("polled after completion"),
            "a finished BrewTea should panic by itself, without polling the kettle or the teapot \
             again:\n{}",
            trace.render()
        );

        // As the future of an async fn does.
        let message = poll_after_completion(pin!(brew_tea(Kitchen::new(&Trace::new()), 2)))
            .expect_err("the future of an async fn panics when polled after completion");
        assert!(
            message.contains("`async fn` resumed after completion"),
            "the future of an async fn panics with \"`async fn` resumed after completion\", \
             not with: {message}"
        );
    });
}

/// Polls `future` until it is Ready, then once more. Returns what the extra
/// poll returned, or its panic message.
fn poll_after_completion(
    mut future: Pin<&mut impl Future<Output = String>>,
) -> Result<Poll<String>, String> {
    let mut driver = Driver::new("the future");
    let finished = (0..10).any(|_| driver.poll(future.as_mut()).is_ready());
    assert!(finished, "the future should be Ready within 10 polls");
    panic::catch_unwind(AssertUnwindSafe(|| driver.poll(future.as_mut()))).map_err(|payload| {
        payload
            .downcast_ref::<&str>()
            .map(|s| s.to_string())
            .or_else(|| payload.downcast_ref::<String>().cloned())
            .unwrap_or_default()
    })
}

#[test]
fn trace_of_brewing_tea_by_hand() {
    let trace = brew("BrewTea::new(kitchen, 2)".into(), |k| BrewTea::new(k, 2)).trace;
    insta::assert_snapshot!(trace);
}

// On a real runtime: a machine that returns Pending without a wake-up
// would never be polled again. Paused time makes the timeout fire as soon as
// the runtime has nothing left to do; `within` stops a poll that never returns.
#[test]
fn runs_on_tokio() {
    let tea = on_paused_tokio(LIMIT, || {
        let tea = BrewTea::new(Kitchen::new(&Trace::new()), 3);
        tokio::time::timeout(Duration::from_secs(10), tea)
    })
    .expect(
        "tokio never polled BrewTea again: did it return Pending \
         without a Pending from `boil` or `steep`?",
    );
    assert_eq!(
        tea, "tea for 3: 750 ml of black tea",
        "BrewTea::new(kitchen, 3) should output what brew_tea(kitchen, 3) does"
    );
}
