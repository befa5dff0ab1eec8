use std::time::Duration;

use workbook_support::source::Source;

// Compiles and runs each program in tests/ui/: they must build and exit
// successfully. A program still running after 10 s is stopped and fails.
#[test]
fn ui() {
    workbook_support::ui::check(Duration::from_secs(10), |t| t.pass("tests/ui/*.rs"));
}

// The program you edit must keep what it is about: it awaits `welcome`
// and checks that the guestbook was signed.
#[test]
fn main_awaits_still_awaits_and_checks() {
    Source::new("tests/ui/main_awaits.rs", include_str!("ui/main_awaits.rs"))
        .keeps(
            "welcome(&book, \"Ferris\").await",
            "The program must await the future that `welcome` returns: that `.await` is what \
             this exercise is about. Make the code around it async instead of removing it.",
        )
        .keeps(
            "assert_eq!(book.lines(), [\"Ferris was here\"]",
            "The assertion checks that the welcome really ran and signed the guestbook.",
        )
        .never_uses(
            "unsafe",
            "Nothing here needs `unsafe`: run `main` on a runtime instead.",
        );
}
