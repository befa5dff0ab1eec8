use std::time::Duration;

use workbook_support::source::Source;

// Each program in tests/ui/ must compile and run to the end. As shipped,
// none of them compiles: each needs a future pinned the right way. A
// program still running after 10 s is stopped and fails.
#[test]
fn ui() {
    workbook_support::ui::check(Duration::from_secs(10), |t| t.pass("tests/ui/*.rs"));
}

// The programs you edit must keep what they are about: the checks below
// fail if a program gets past the compiler by dropping its point.

const NO_UNSAFE: &str = "Pinning here needs no `unsafe`: `pin!`, `Box::pin` and `tokio::pin!` \
                         are safe. Keep `#![forbid(unsafe_code)]` and do without.";

#[track_caller]
fn case(path: &'static str, text: &'static str) -> Source {
    let source = Source::new(path, text);
    source
        .keeps("#![forbid(unsafe_code)]", NO_UNSAFE)
        .never_uses("unsafe", NO_UNSAFE);
    source
}

#[test]
fn poll_by_hand_still_polls_a_self_borrowing_block() {
    case(
        "tests/ui/poll_by_hand.rs",
        include_str!("ui/poll_by_hand.rs"),
    )
    .keeps(
        "&words[1]",
        "The async block must keep its borrow of its own local `words`, held across \
             the `.await`: that borrow is why it must not move.",
    )
    .keeps(
        "pause().await",
        "The async block must pause once, so it is polled more than once.",
    )
    .keeps(
        ".poll(&mut cx)",
        "The program polls the future by hand with `Future::poll`: that call is what \
             needs the pin. An executor or `.await` would pin it for you.",
    )
    .keeps(
        "assert_eq!(output, \"hello pinned\")",
        "The assertion checks the block's output.",
    )
    .keeps(
        "assert_eq!(polls, 2",
        "The assertion checks that one future is polled twice, not a new one each time.",
    );
}

#[test]
fn recursive_still_recurses() {
    case("tests/ui/recursive.rs", include_str!("ui/recursive.rs"))
        .keeps(
            "pause().await",
            "Each node takes a moment: keep the `pause().await`.",
        )
        .keeps(
            "assert_eq!(total(&tree).await, 28",
            "The assertion checks the total of the whole tree.",
        )
        .keeps(
            "assert_eq!(total(&Tree::leaf(9)).await, 9)",
            "The assertion checks the total of a single leaf.",
        );
}

#[test]
fn select_loop_still_selects_on_one_future() {
    case("tests/ui/select_loop.rs", include_str!("ui/select_loop.rs"))
        .keeps(
            "tokio::select!",
            "The loop must race the sum against the progress ticks with `tokio::select!`.",
        )
        .keeps(
            "slow_sum(&starts, &numbers)",
            "The program must still run `slow_sum`.",
        )
        .keeps(
            "assert_eq!(starts.get(), 1",
            "The assertion checks that the sum starts once and is resumed, not started over.",
        )
        .keeps("assert_eq!(total, 15)", "The assertion checks the sum.")
        .keeps(
            "assert_eq!(ticks, 4",
            "The assertion checks that the ticks interleave with one sum.",
        );
}
