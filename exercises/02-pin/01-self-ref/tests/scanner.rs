use std::mem;
use std::pin::Pin;

use self_ref::Scanner;
use workbook_support::unpin::{NotUnpin as _, probe};

/// Panics with a message unless the scanner's cursor points `read` bytes
/// into the scanner's own text, and that text lies inside the scanner.
fn assert_points_into_itself(scanner: Pin<&Scanner>, read: usize, when: &str) {
    let scanner_start = std::ptr::from_ref(scanner.get_ref()) as usize;
    let scanner_end = scanner_start + mem::size_of::<Scanner>();
    let text = scanner.text_start() as usize;
    assert!(
        (scanner_start..scanner_end).contains(&text),
        "{when}: the text ({text:#x}) should be stored inside the scanner \
         ({scanner_start:#x}..{scanner_end:#x}); keep it in the `text` array"
    );
    let cursor = scanner.cursor() as usize;
    assert_ne!(
        cursor, 0,
        "{when}: the cursor is null: `Scanner::new` never pointed it at the scanner's text"
    );
    assert_eq!(
        cursor,
        text + read,
        "{when}: the cursor ({cursor:#x}) does not point into this scanner: \
         it should be {read} bytes after the start of the scanner's own text \
         ({text:#x}). Was it set before the scanner reached its final address?"
    );
}

#[test]
fn a_scanner_is_not_unpin() {
    let scanner = Scanner::new("words");
    assert!(
        !probe(scanner.as_ref().get_ref()).is_unpin(),
        "`Scanner` is Unpin, so a `Pin<Box<Scanner>>` hands out `&mut Scanner` to safe code, \
         which can then swap or move a scanner away from the text its cursor points into \
         (that is why the programs in tests/ui/ compile). A struct is Unpin when all its \
         fields are: give `Scanner` a field that is not, and write no `impl Unpin for Scanner`"
    );
}

#[test]
fn a_new_scanner_points_into_itself() {
    let scanner = Scanner::new("pin the pointee");
    assert_points_into_itself(scanner.as_ref(), 0, "right after Scanner::new");
}

#[test]
fn reads_the_words_in_order() {
    let mut scanner = Scanner::new("  pin  the\tpointee ");
    let mut words = Vec::new();
    while let Some(word) = scanner.as_mut().next_word() {
        words.push(word);
        assert!(
            words.len() <= 3,
            "read more words than the text has: {words:?}"
        );
    }
    assert_eq!(words, ["pin", "the", "pointee"]);
    assert_eq!(
        scanner.as_ref().rest(),
        " ",
        "after the last word, only the trailing space is left"
    );
    assert_eq!(scanner.as_mut().next_word(), None, "no words are left");
}

#[test]
fn the_cursor_moves_within_the_scanner() {
    let mut scanner = Scanner::new("not the pointer");
    assert_eq!(scanner.as_mut().next_word().as_deref(), Some("not"));
    assert_points_into_itself(scanner.as_ref(), 3, "after reading \"not\"");
    assert_eq!(scanner.as_ref().rest(), " the pointer");
    assert_eq!(scanner.as_mut().next_word().as_deref(), Some("the"));
    assert_points_into_itself(scanner.as_ref(), 7, "after reading \"the\"");
    assert_eq!(scanner.as_ref().rest(), " pointer");
}

#[test]
fn an_empty_text_has_no_words() {
    let mut scanner = Scanner::new("");
    assert_eq!(scanner.as_ref().rest(), "");
    assert_eq!(scanner.as_mut().next_word(), None);
}

// Pin pins the pointee, not the pointer: the boxes move around freely, the
// scanners inside them stay where they are.
#[test]
fn moving_the_pinned_boxes_does_not_move_the_scanners() {
    fn hand_over(scanner: Pin<Box<Scanner>>) -> Pin<Box<Scanner>> {
        scanner
    }

    let mut first = Scanner::new("first one");
    let mut second = Scanner::new("second one");
    assert_eq!(first.as_mut().next_word().as_deref(), Some("first"));
    let first_address = std::ptr::from_ref(first.as_ref().get_ref());

    mem::swap(&mut first, &mut second); // swaps the two pointers
    let mut moved = [hand_over(first), hand_over(second)];

    assert_eq!(
        std::ptr::from_ref(moved[1].as_ref().get_ref()),
        first_address,
        "moving a Pin<Box<Scanner>> must not move the scanner inside"
    );
    assert_points_into_itself(moved[0].as_ref(), 0, "after moving the boxes");
    assert_points_into_itself(moved[1].as_ref(), 5, "after moving the boxes");
    assert_eq!(moved[0].as_mut().next_word().as_deref(), Some("second"));
    assert_eq!(moved[1].as_mut().next_word().as_deref(), Some("one"));
}
