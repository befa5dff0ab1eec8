// These tests read source text: nothing here for Miri to check.
#![cfg(not(miri))]

// Each `unsafe` block in src/lib.rs is a promise the compiler cannot check.
// These tests check that the promise is written down next to it, and that
// the comment says why it holds, not only that it does.

use workbook_support::source::{SafetyRule, Source};

fn lib() -> Source {
    Source::new("src/lib.rs", include_str!("../src/lib.rs"))
}

/// What a `// SAFETY:` comment must speak of, for each unsafe call of a
/// projection by hand.
const RULES: &[SafetyRule] = &[
    SafetyRule {
        call: "get_unchecked_mut",
        facts: &["mov"],
        say: "For `get_unchecked_mut`: say why nothing is moved out of the `&mut` it \
              gives you (it is only used to reach the fields, and does not escape).",
    },
    SafetyRule {
        call: "new_unchecked",
        facts: &["structural", "mov", "unpin", "drop", "packed"],
        say: "For `Pin::new_unchecked` on the `future` field: say why the field stays \
              pinned. It is structurally pinned: never handed out as `&mut F` and never \
              moved, `Timed` is `Unpin` only when `F` is, no `Drop` impl moves it, and \
              `Timed` is not `repr(packed)`.",
    },
    SafetyRule {
        call: "map_unchecked_mut",
        facts: &["structural", "mov", "unpin", "drop", "packed"],
        say: "For `map_unchecked_mut` to the `future` field: say why the field stays \
              pinned. It is structurally pinned: never handed out as `&mut F` and never \
              moved, `Timed` is `Unpin` only when `F` is, no `Drop` impl moves it, and \
              `Timed` is not `repr(packed)`.",
    },
];

#[test]
fn projects_by_hand_with_unsafe() {
    assert!(
        !lib().unsafe_blocks().is_empty(),
        "src/lib.rs has no `unsafe` block yet. This exercise is the projection by hand, \
         with `unsafe` (no pin-project-lite, no Box)"
    );
}

#[test]
fn every_unsafe_block_says_why_it_is_sound() {
    lib().safety_comments(RULES);
}
