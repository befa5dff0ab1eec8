// These tests read source text: nothing here for Miri to check.
#![cfg(not(miri))]

// Each `unsafe` block in src/lib.rs is a promise the compiler cannot check.
// This test checks that the promise is written down next to it, and that
// the comment says why it holds, not only that it does.

use workbook_support::source::{SafetyRule, Source};

/// Every block in this file rests on the same facts: where the data
/// pointer came from, and which reference the waker owns.
const RULES: &[SafetyRule] = &[SafetyRule {
    call: "",
    facts: &["into_raw", "reference", "owns", "owned"],
    say: "Say what makes it sound: where `data` came from (`Arc::into_raw`) and which \
          reference to the counter this waker owns, borrows, adds or gives up here.",
}];

#[test]
fn every_unsafe_block_says_why_it_is_sound() {
    Source::new("src/lib.rs", include_str!("../src/lib.rs")).safety_comments(RULES);
}
