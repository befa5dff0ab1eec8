//! Checks on the text of a file the learner edits, for what the compiler
//! and the behaviour tests cannot see: that a program still does what the
//! exercise is about, and that each `unsafe` block says why it is sound.
//!
//! ```
//! use workbook_support::source::Source;
//!
//! let source = Source::new(
//!     "tests/ui/main.rs",
//!     "#![forbid(unsafe_code)]\n// no .await here\nasync fn main() { run().await; }\n",
//! );
//! source
//!     .keeps("run().await", "awaiting `run` is the point of this program")
//!     .keeps("#![forbid(unsafe_code)]", "the program must stay free of `unsafe`")
//!     .never_uses("unsafe", "the program must stay free of `unsafe`");
//! ```
//!
//! Comments are ignored: code that was commented out does not count. Spacing
//! is ignored too, so rustfmt's line breaks never matter.

/// A source file, read at compile time with `include_str!` (so the test is
/// rebuilt whenever the file changes, and no file is opened at run time).
pub struct Source {
    path: &'static str,
    text: &'static str,
    /// The text with comments blanked out, line breaks kept.
    code: String,
    /// Like `code`, with the contents of string and char literals blanked.
    bare: String,
}

/// What the `// SAFETY:` comment of an `unsafe` block whose code contains
/// `call` (`""`: every block) must mention: at least one of `facts`
/// (lowercase; found anywhere in the lowercased comment), the facts the
/// promise rests on. `say` tells the learner what to write.
pub struct SafetyRule {
    pub call: &'static str,
    pub facts: &'static [&'static str],
    pub say: &'static str,
}

/// An `unsafe` block or `unsafe impl`: its 1-based line and its code.
pub struct Unsafe {
    pub line: usize,
    pub code: String,
}

/// A `// SAFETY:` comment shorter than this says nothing: "this is safe."
pub const MIN_SAFETY_WORDS: usize = 8;

impl Source {
    /// `text` is the contents of the file at `path` (the path is only named
    /// in messages): `Source::new("src/lib.rs", include_str!("../src/lib.rs"))`.
    pub fn new(path: &'static str, text: &'static str) -> Self {
        // Its checks fail with a message that says it all: no backtrace.
        crate::quiet::install();
        crate::quiet::mark_this_thread();
        let (code, bare) = blank_comments_and_literals(text);
        Self {
            path,
            text,
            code,
            bare,
        }
    }

    /// Fails unless the code contains `code`, comments and spacing aside;
    /// `why` says what it is for.
    #[track_caller]
    pub fn keeps(&self, code: &str, why: &str) -> &Self {
        assert!(
            squeeze(&self.code).contains(&squeeze(code)),
            "{path} no longer contains `{code}` (outside comments).\n{why}\n\
             Put it back: the exercise is to make the program work with it, not without it.",
            path = self.path,
        );
        self
    }

    /// Fails if the code (outside comments and string literals) uses the
    /// word `word`; `why` says why it must not.
    #[track_caller]
    pub fn never_uses(&self, word: &str, why: &str) -> &Self {
        if let Some(line) = word_lines(&self.bare, word).first() {
            panic!(
                "{path} line {line} uses `{word}`:\n\n    {text}\n\n{why}",
                path = self.path,
                text = self.line(*line).trim(),
            );
        }
        self
    }

    /// Every `unsafe { ... }` block and `unsafe impl`, in order.
    pub fn unsafe_blocks(&self) -> Vec<Unsafe> {
        let mut found = Vec::new();
        for (start, _) in self.bare.match_indices("unsafe") {
            if !is_word_at(&self.bare, start, "unsafe") {
                continue;
            }
            let after = self.bare[start + "unsafe".len()..].trim_start();
            let line = self.bare[..start].matches('\n').count() + 1;
            let code = if after.starts_with('{') {
                let open = self.bare.len() - after.len();
                let end = matching_brace(&self.bare, open);
                self.code[start..end].to_owned()
            } else if after.starts_with("impl") {
                self.line(line).trim().to_owned()
            } else {
                continue; // `unsafe fn`, `unsafe extern`, `unsafe trait`
            };
            found.push(Unsafe { line, code });
        }
        found
    }

    /// Fails unless every `unsafe` block and `unsafe impl` has a comment
    /// starting with `// SAFETY:` directly above its line, that comment
    /// has at least [`MIN_SAFETY_WORDS`] words, and for each rule whose
    /// `call` the block makes, it mentions one of the rule's facts.
    #[track_caller]
    pub fn safety_comments(&self, rules: &[SafetyRule]) -> &Self {
        for block in self.unsafe_blocks() {
            let line = block.line;
            let opening = self.line(line).trim();
            let comment = self.safety_comment_above(line);
            let what = rules
                .iter()
                .filter(|rule| block.code.contains(rule.call))
                .map(|rule| rule.say)
                .collect::<Vec<_>>()
                .join(" ");
            let path = self.path;
            let Some(comment) = comment else {
                panic!(
                    "{path} line {line} opens an `unsafe` block with no `// SAFETY:` comment \
                     right above it:\n\n    {opening}\n\n\
                     `unsafe` is a promise the compiler cannot check. Write it down on the \
                     line(s) directly above, in a comment starting with `// SAFETY:`, saying \
                     why it holds here. {what}"
                );
            };
            let words = comment.split_whitespace().count();
            assert!(
                words >= MIN_SAFETY_WORDS,
                "{path} line {line}: the `// SAFETY:` comment above this `unsafe` block says \
                 too little ({words} words: \"{comment}\"):\n\n    {opening}\n\n\
                 Say why the promise holds here, not only that it does. {what}"
            );
            let lower = comment.to_lowercase();
            for rule in rules.iter().filter(|rule| block.code.contains(rule.call)) {
                assert!(
                    rule.facts.iter().any(|fact| lower.contains(fact)),
                    "{path} line {line}: the `// SAFETY:` comment above this `unsafe` block \
                     (\"{comment}\") does not say what the promise rests on:\n\n    \
                     {opening}\n\n{say}",
                    say = rule.say,
                );
            }
        }
        self
    }

    /// The text of the `// SAFETY:` comment in the run of `//` lines
    /// directly above line `number`, from `SAFETY:` to the end of the run.
    fn safety_comment_above(&self, number: usize) -> Option<String> {
        let lines: Vec<&str> = self.text.lines().collect();
        let above: Vec<&str> = lines[..number - 1]
            .iter()
            .rev()
            .map(|line| line.trim())
            .take_while(|line| line.starts_with("//"))
            .collect();
        let from = above.iter().position(|line| {
            line.trim_start_matches('/')
                .trim_start()
                .starts_with("SAFETY:")
        })?;
        let text = above[..=from]
            .iter()
            .rev()
            .map(|line| line.trim_start_matches('/').trim())
            .collect::<Vec<_>>()
            .join(" ");
        Some(text.trim_start_matches("SAFETY:").trim().to_owned())
    }

    fn line(&self, number: usize) -> &str {
        self.text.lines().nth(number - 1).unwrap_or("")
    }
}

/// The text without any whitespace, for comparisons that ignore layout.
fn squeeze(text: &str) -> String {
    text.split_whitespace().collect()
}

fn is_ident(c: char) -> bool {
    c.is_alphanumeric() || c == '_'
}

/// Whether `word` starts at `at` in `text` and is a whole word there.
fn is_word_at(text: &str, at: usize, word: &str) -> bool {
    let before = text[..at].chars().next_back();
    let after = text[at + word.len()..].chars().next();
    text[at..].starts_with(word) && !before.is_some_and(is_ident) && !after.is_some_and(is_ident)
}

/// The 1-based lines on which `word` appears as a whole word.
fn word_lines(text: &str, word: &str) -> Vec<usize> {
    text.match_indices(word)
        .filter(|(at, _)| is_word_at(text, *at, word))
        .map(|(at, _)| text[..at].matches('\n').count() + 1)
        .collect()
}

/// The byte index just after the `}` that closes the `{` at `open`.
fn matching_brace(text: &str, open: usize) -> usize {
    let mut depth = 0;
    for (at, c) in text[open..].char_indices() {
        match c {
            '{' => depth += 1,
            '}' => {
                depth -= 1;
                if depth == 0 {
                    return open + at + 1;
                }
            }
            _ => {}
        }
    }
    text.len()
}

/// Two copies of `text` with the same byte offsets and line breaks: one
/// with comments blanked out, one with the contents of string and char
/// literals blanked too. A small lexer: enough for the workbook's files,
/// not a Rust parser.
fn blank_comments_and_literals(text: &str) -> (String, String) {
    let chars: Vec<char> = text.chars().collect();
    let mut code = String::with_capacity(text.len());
    let mut bare = String::with_capacity(text.len());
    // Blanks keep each character's byte length, so offsets stay aligned.
    let blank = |c: char| {
        if c == '\n' {
            "\n".to_owned()
        } else {
            " ".repeat(c.len_utf8())
        }
    };
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        let next = chars.get(i + 1).copied();
        let prev_ident = i > 0 && is_ident(chars[i - 1]);
        let (end, kind) = if c == '/' && next == Some('/') {
            let end = chars[i..]
                .iter()
                .position(|&c| c == '\n')
                .map_or(chars.len(), |n| i + n);
            (end, Kind::Comment)
        } else if c == '/' && next == Some('*') {
            (block_comment_end(&chars, i), Kind::Comment)
        } else if c == '"' {
            (string_end(&chars, i + 1), Kind::Literal)
        } else if (c == 'r' || (c == 'b' && next == Some('r'))) && !prev_ident {
            match raw_string_end(&chars, i) {
                Some(end) => (end, Kind::Literal),
                None => (i + 1, Kind::Code),
            }
        } else if c == '\'' {
            (char_literal_end(&chars, i), Kind::Literal)
        } else {
            (i + 1, Kind::Code)
        };
        for &c in &chars[i..end] {
            match kind {
                Kind::Code => {
                    code.push(c);
                    bare.push(c);
                }
                Kind::Comment => {
                    code.push_str(&blank(c));
                    bare.push_str(&blank(c));
                }
                Kind::Literal => {
                    code.push(c);
                    bare.push_str(&blank(c));
                }
            }
        }
        i = end;
    }
    (code, bare)
}

enum Kind {
    Code,
    Comment,
    Literal,
}

/// The end of the (possibly nested) block comment starting at `start`.
fn block_comment_end(chars: &[char], start: usize) -> usize {
    let mut depth = 0;
    let mut i = start;
    while i + 1 < chars.len() {
        match (chars[i], chars[i + 1]) {
            ('/', '*') => {
                depth += 1;
                i += 2;
            }
            ('*', '/') => {
                depth -= 1;
                i += 2;
                if depth == 0 {
                    return i;
                }
            }
            _ => i += 1,
        }
    }
    chars.len()
}

/// The end of a string literal whose contents start at `i`.
fn string_end(chars: &[char], mut i: usize) -> usize {
    while i < chars.len() {
        match chars[i] {
            '\\' => i += 2,
            '"' => return i + 1,
            _ => i += 1,
        }
    }
    chars.len()
}

/// The end of a raw string literal (`r"..."`, `r#"..."#`, `br"..."`) that
/// starts at `start`, if one does.
fn raw_string_end(chars: &[char], start: usize) -> Option<usize> {
    let mut i = start + if chars[start] == 'b' { 2 } else { 1 };
    let hashes = chars[i..].iter().take_while(|&&c| c == '#').count();
    i += hashes;
    if chars.get(i) != Some(&'"') {
        return None;
    }
    i += 1;
    while i < chars.len() {
        if chars[i] == '"'
            && chars[i + 1..]
                .iter()
                .take(hashes)
                .filter(|&&c| c == '#')
                .count()
                == hashes
        {
            return Some(i + 1 + hashes);
        }
        i += 1;
    }
    Some(chars.len())
}

/// The end of a char literal starting at `start`, or `start + 1` for the
/// quote of a lifetime (`'a`), which is code.
fn char_literal_end(chars: &[char], start: usize) -> usize {
    match (chars.get(start + 1), chars.get(start + 2)) {
        (Some('\\'), _) => {
            let close = chars[start + 2..].iter().position(|&c| c == '\'');
            close.map_or(chars.len(), |n| start + 2 + n + 1)
        }
        (Some(_), Some('\'')) => start + 3,
        _ => start + 1,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const LIB: &str = r#"// unsafe in a comment
fn f<'a>(x: &'a str) -> char {
    let s = "unsafe // not a comment";
    let c = '"';
    /* unsafe /* nested */ still a comment */
    // SAFETY: `x` comes from a live `&str`, so the pointer is valid and
    // aligned, and nothing writes through it while we read.
    let first = unsafe { *x.as_ptr() };
    let _ = (s, c, first);
    // SAFETY: this is safe.
    unsafe { g() }
}
"#;

    #[test]
    fn comments_and_literals_are_blanked() {
        let source = Source::new("lib.rs", LIB);
        let lines: Vec<usize> = source.unsafe_blocks().iter().map(|b| b.line).collect();
        assert_eq!(lines, [8, 11], "only the two real unsafe blocks");
        assert_eq!(source.unsafe_blocks()[0].code, "unsafe { *x.as_ptr() }");
        assert_eq!(word_lines(&source.bare, "unsafe"), [8, 11]);
        assert!(squeeze(&source.code).contains("lets=\"unsafe//notacomment\";"));
        assert_eq!(source.code.len(), LIB.len(), "offsets stay aligned");
    }

    #[test]
    fn a_trivial_safety_comment_is_refused() {
        let source = Source::new("lib.rs", LIB);
        let outcome = std::panic::catch_unwind(|| {
            source.safety_comments(&[]);
        });
        let message = *outcome.unwrap_err().downcast::<String>().unwrap();
        assert!(message.contains("line 11"), "{message}");
        assert!(message.contains("too little (3 words"), "{message}");
    }

    #[test]
    fn a_safety_comment_must_name_a_fact() {
        let text = "// SAFETY: I have checked this very carefully and it is fine.\n\
                    let x = unsafe { Pin::new_unchecked(&mut y) };\n";
        let rule = SafetyRule {
            call: "new_unchecked",
            facts: &["pinned", "mov"],
            say: "Say why the field is pinned.",
        };
        let outcome = std::panic::catch_unwind(|| {
            Source::new("lib.rs", text).safety_comments(&[rule]);
        });
        let message = *outcome.unwrap_err().downcast::<String>().unwrap();
        assert!(
            message.contains("does not say what the promise rests on"),
            "{message}"
        );
    }

    #[test]
    fn keeps_ignores_layout_and_comments() {
        let source = Source::new(
            "main.rs",
            "assert_eq!(\n    polls,\n    2\n);\n// x.await\n",
        );
        source.keeps("assert_eq!(polls, 2)", "the assertion");
        let outcome = std::panic::catch_unwind(|| {
            source.keeps("x.await", "the await");
        });
        assert!(outcome.is_err(), "a commented-out .await does not count");
    }
}
