// These tests read source text: nothing here for Miri to check.
#![cfg(not(miri))]

// Each `unsafe` block in src/lib.rs is a promise the compiler cannot check.
// This test checks that the promise is written down next to it, and that
// the comment says why it holds, not only that it does.

use workbook_support::source::{SafetyRule, Source};

const RULES: &[SafetyRule] = &[
    SafetyRule {
        call: "get_unchecked_mut",
        facts: &["mov", "swap"],
        say: "For `get_unchecked_mut`: say why the scanner is not moved out of the `&mut` \
              it gives you (it is only used to write a field).",
    },
    SafetyRule {
        call: "from_raw_parts",
        facts: &["point", "initiali", "bound", "live"],
        say: "For `slice::from_raw_parts`: say why the pointer and length describe \
              initialized bytes inside `text`, alive for as long as the slice is used.",
    },
];

#[test]
fn every_unsafe_block_says_why_it_is_sound() {
    Source::new("src/lib.rs", include_str!("../src/lib.rs")).safety_comments(RULES);
}
