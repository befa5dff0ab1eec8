// Each `unsafe` block in src/lib.rs is a promise the compiler cannot check.
// These tests check that the promise is written down next to it.

const SOURCE: &str = include_str!("../src/lib.rs");

/// The 1-based line numbers of lines that open an `unsafe` block (comments
/// skipped).
fn unsafe_block_lines() -> Vec<usize> {
    SOURCE
        .lines()
        .enumerate()
        .filter(|(_, line)| {
            let code = line.split("//").next().unwrap_or("");
            code.match_indices("unsafe")
                .any(|(at, word)| code[at + word.len()..].trim_start().starts_with('{'))
        })
        .map(|(index, _)| index + 1)
        .collect()
}

/// The comment lines directly above line `number` (1-based).
fn comments_above(number: usize) -> Vec<&'static str> {
    let lines: Vec<&str> = SOURCE.lines().collect();
    lines[..number - 1]
        .iter()
        .rev()
        .map(|line| line.trim())
        .take_while(|line| line.starts_with("//"))
        .collect()
}

#[test]
fn projects_by_hand_with_unsafe() {
    assert!(
        !unsafe_block_lines().is_empty(),
        "src/lib.rs has no `unsafe` block yet. This exercise is the projection by hand: \
         write `Timed::project` with `Pin::get_unchecked_mut` and `Pin::new_unchecked` \
         (no pin-project-lite, no Box)"
    );
}

#[test]
fn every_unsafe_block_has_a_safety_comment() {
    let lines: Vec<&str> = SOURCE.lines().collect();
    for number in unsafe_block_lines() {
        let comments = comments_above(number);
        assert!(
            comments.iter().any(|line| line.starts_with("// SAFETY:")),
            "src/lib.rs line {number} opens an `unsafe` block with no `// SAFETY:` comment \
             right above it:\n\n    {}\n\n\
             Put a comment starting with `// SAFETY:` on the line(s) directly above, saying \
             why the promise holds here: for `get_unchecked_mut`, that nothing is moved out \
             of the `&mut`; for `Pin::new_unchecked` on a field, that the field is \
             structurally pinned (never handed out unpinned, never moved, `Timed` is `Unpin` \
             only when `F` is, no `Drop` moves it, no `repr(packed)`).",
            lines[number - 1].trim()
        );
    }
}
