//! Quizzes: `{{#quiz quiz.toml}}` on a chapter's quiz page becomes a form
//! of questions that `theme/quiz.js` marks in the browser.
//!
//! The page shows the questions, their options and any program's code
//! (read from its file, the one `verify` compiles and runs); which options
//! are right and why each option is right or wrong travel in one encoded
//! attribute, `data-key`, that the script decodes only when the reader
//! checks an answer. Nothing on the page marks an answer.
//!
//! A quiz file (next to the page):
//!
//! ```toml
//! [[question]]
//! id = "lazy"                      # unique in the file; names the stored result
//! prompt = "What does this program print?"
//! program = "quiz/lazy.rs"         # optional: shown on the page, checked by verify
//! prints = "done\n"                # or: compiles = false, error = "E0277"
//!
//! [[question.option]]
//! output = "done\n"                # or text = "markdown"; compiles = false for "it does not compile"
//! correct = true
//! why = "markdown: why this answer is right (or wrong)"
//! ```
//!
//! The options of a program question are tied to what verify proves: the
//! right option of a `prints` question shows exactly that output, and the
//! right option of a `compiles = false` question is the one that says so.

use std::collections::HashSet;
use std::fs;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result, bail};
use mdbook_driver::book::{Book, BookItem};
use mdbook_driver::errors::Error;
use mdbook_preprocessor::{Preprocessor, PreprocessorContext};
use pulldown_cmark::{Options, Parser, html};
use regex::Regex;
use serde::Deserialize;

use super::escape;

/// The fewest questions a chapter's quiz may have.
pub const MIN_QUESTIONS: usize = 5;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Quiz {
    #[serde(rename = "question", default)]
    pub questions: Vec<Question>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct Question {
    pub id: String,
    /// Markdown.
    pub prompt: String,
    /// Several options may be right: checkboxes instead of radio buttons.
    #[serde(default)]
    pub multiple: bool,
    /// A Rust program, relative to the quiz file, shown under the prompt.
    pub program: Option<PathBuf>,
    /// What the program prints (stdout and stderr) when run.
    pub prints: Option<String>,
    /// `false`: the program must not compile.
    pub compiles: Option<bool>,
    /// The error it fails with: a code such as `E0277`, or, for an error
    /// rustc reports without a code, the start of its message.
    pub error: Option<String>,
    #[serde(rename = "option", default)]
    pub options: Vec<Choice>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct Choice {
    /// Markdown.
    #[serde(default)]
    pub text: String,
    /// A program's output, shown as it is.
    pub output: Option<String>,
    /// `false`: this option says the program does not compile.
    pub compiles: Option<bool>,
    #[serde(default)]
    pub correct: bool,
    /// Markdown: why this option is right or wrong.
    #[serde(default)]
    pub why: String,
}

/// What verify must prove about a quiz program.
#[derive(Clone, Debug, PartialEq)]
pub enum Claim {
    Prints(String),
    DoesNotCompile { error: String },
}

impl Question {
    /// The program's claim; `None` for a question without a program.
    pub fn claim(&self) -> Option<Claim> {
        self.program.as_ref()?;
        match (&self.prints, self.compiles, &self.error) {
            (Some(out), None | Some(true), None) => Some(Claim::Prints(out.clone())),
            (None, Some(false), Some(error)) => Some(Claim::DoesNotCompile {
                error: error.clone(),
            }),
            _ => None,
        }
    }
}

impl Quiz {
    /// Reads and checks a quiz file; programs are resolved next to it.
    pub fn load(path: &Path) -> Result<Quiz> {
        let text = fs::read_to_string(path).with_context(|| format!("read {}", path.display()))?;
        let quiz: Quiz =
            toml::from_str(&text).with_context(|| format!("parse {}", path.display()))?;
        let problems = quiz.problems(path.parent().unwrap_or(Path::new("")));
        if !problems.is_empty() {
            bail!("{}:\n  {}", path.display(), problems.join("\n  "));
        }
        Ok(quiz)
    }

    /// Everything wrong with the quiz; empty when it is sound. `dir` is
    /// where its programs are resolved.
    pub fn problems(&self, dir: &Path) -> Vec<String> {
        let mut problems = Vec::new();
        if self.questions.len() < MIN_QUESTIONS {
            problems.push(format!(
                "it has {} questions; a chapter's quiz has at least {MIN_QUESTIONS}",
                self.questions.len()
            ));
        }
        let id = Regex::new(r"^[a-z0-9][a-z0-9-]*$").expect("valid regex");
        let mut seen = HashSet::new();
        for q in &self.questions {
            let mut problem = |what: String| problems.push(format!("question `{}`: {what}", q.id));
            if !id.is_match(&q.id) {
                problem("its id must be lowercase letters, digits and dashes".to_owned());
            }
            if !seen.insert(&q.id) {
                problem("another question has the same id".to_owned());
            }
            if q.prompt.trim().is_empty() {
                problem("it has no prompt".to_owned());
            }
            if q.options.len() < 2 {
                problem("it needs at least two options".to_owned());
            }
            for (n, option) in q.options.iter().enumerate() {
                if option.text.trim().is_empty() && option.output.is_none() {
                    problem(format!("option {} has neither text nor output", n + 1));
                }
                if option.why.trim().is_empty() {
                    problem(format!(
                        "option {} is not explained (`why`): say why it is right or wrong",
                        n + 1
                    ));
                }
            }
            let right = q.options.iter().filter(|o| o.correct).count();
            if q.multiple && right == 0 {
                problem("no option is marked `correct`".to_owned());
            }
            if !q.multiple && right != 1 {
                problem(format!(
                    "{right} options are marked `correct`; a single-choice question has exactly one \
                     (or set `multiple = true`)"
                ));
            }
            for p in program_problems(q, dir) {
                problem(p);
            }
        }
        problems
    }
}

/// A program question: the file exists, its claim is complete, and the
/// right option says what the claim says.
fn program_problems(q: &Question, dir: &Path) -> Vec<String> {
    let mut problems = Vec::new();
    let says_no_compile = |o: &Choice| o.compiles == Some(false);
    let Some(program) = &q.program else {
        if q.prints.is_some() || q.compiles.is_some() || q.error.is_some() {
            problems.push("`prints`, `compiles` and `error` need a `program`".to_owned());
        }
        if q.options
            .iter()
            .any(|o| o.output.is_some() || says_no_compile(o))
        {
            problems.push("options with `output` or `compiles` need a `program`".to_owned());
        }
        return problems;
    };
    if program.extension().is_none_or(|e| e != "rs") || !dir.join(program).is_file() {
        problems.push(format!(
            "its program {} is not a Rust file next to the quiz",
            program.display()
        ));
    }
    if q.multiple {
        problems.push("a program question has one right answer: drop `multiple`".to_owned());
    }
    match q.claim() {
        None => problems.push(
            "say what verify must prove: `prints = \"...\"`, or `compiles = false` with \
             `error = \"E0277\"` (the code rustc reports)"
                .to_owned(),
        ),
        Some(Claim::DoesNotCompile { error }) if error.trim().is_empty() => {
            problems.push("`error` is empty: give the code rustc reports, like E0277".to_owned());
        }
        Some(claim) => {
            let right_matches = |o: &Choice| match &claim {
                Claim::Prints(out) => o.output.as_deref() == Some(out.as_str()),
                Claim::DoesNotCompile { .. } => says_no_compile(o),
            };
            for (n, option) in q.options.iter().enumerate() {
                if option.correct != right_matches(option) {
                    problems.push(format!(
                        "option {} is marked {} but {} what the program is declared to do",
                        n + 1,
                        if option.correct { "right" } else { "wrong" },
                        if option.correct {
                            "does not say"
                        } else {
                            "says"
                        },
                    ));
                }
            }
        }
    }
    problems
}

/// The pattern of the directive: `{{#quiz path}}`.
pub fn directive() -> Regex {
    Regex::new(r"\{\{#quiz\s+([^}\s]+)\s*\}\}").expect("valid regex")
}

/// The name a quiz is stored under in the browser: its chapter's folder.
pub fn quiz_name(page: &Path) -> String {
    page.parent()
        .and_then(|p| p.file_name())
        .or_else(|| page.file_stem())
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "quiz".to_owned())
}

/// The quiz as page content: HTML, with each program as a `rust` code
/// block between the HTML blocks.
pub fn render(quiz: &Quiz, name: &str, dir: &Path) -> Result<String> {
    let total = quiz.questions.len();
    let mut out = format!(
        "<div class=\"quiz\" id=\"quiz-{name}\" data-quiz=\"{name}\" data-key=\"{key}\">\n\
         <p class=\"quiz-intro\">{total} questions. Choose an answer and press <em>Check</em>: \
         each answer is explained once you choose it. Your answers are kept in this browser only.</p>\n\
         <noscript><p class=\"quiz-noscript\">The quiz needs JavaScript to mark your answers.</p></noscript>\n",
        name = escape(name),
        key = base64(&answer_key(quiz).to_string()),
    );
    for (index, q) in quiz.questions.iter().enumerate() {
        let qid = format!("quiz-{name}-{}", q.id);
        out.push_str(&format!(
            "<section class=\"quiz-question\" id=\"{qid}\" data-question=\"{id}\" data-multiple=\"{multiple}\">\n\
             <h3 class=\"quiz-heading\" id=\"{qid}-heading\">Question {n} of {total}</h3>\n\
             <div class=\"quiz-prompt\" id=\"{qid}-prompt\">{prompt}</div>\n",
            id = escape(&q.id),
            multiple = q.multiple,
            n = index + 1,
            prompt = one_block(&markdown(&q.prompt)),
        ));
        if let Some(program) = &q.program {
            let path = dir.join(program);
            let code = fs::read_to_string(&path)
                .with_context(|| format!("read the quiz program {}", path.display()))?;
            out.push_str(&format!("\n```rust\n{}\n```\n\n", code.trim_end()));
        }
        let (kind, legend) = if q.multiple {
            ("checkbox", "Choose every right answer")
        } else {
            ("radio", "Choose one answer")
        };
        out.push_str(&format!(
            "<fieldset class=\"quiz-options\" aria-describedby=\"{qid}-prompt\">\n\
             <legend class=\"quiz-legend\">{legend}</legend>\n"
        ));
        for (n, option) in q.options.iter().enumerate() {
            let mut label = inline(&option.text);
            if let Some(output) = &option.output {
                label.push_str(&format!(
                    "<span class=\"quiz-output\">{}</span>",
                    keep_newlines(&escape(output.trim_end()))
                ));
            }
            out.push_str(&format!(
                "<div class=\"quiz-option\" id=\"{qid}-{m}-option\">\
                 <input type=\"{kind}\" class=\"quiz-input\" name=\"{qid}\" id=\"{qid}-{m}\" value=\"{n}\">\
                 <label for=\"{qid}-{m}\">{label}</label>\
                 <div class=\"quiz-why\" id=\"{qid}-{m}-why\" hidden></div></div>\n",
                m = n + 1,
            ));
        }
        out.push_str(&format!(
            "</fieldset>\n\
             <div class=\"quiz-actions\"><button type=\"button\" class=\"quiz-check\" id=\"{qid}-check\">Check</button></div>\n\
             <div class=\"quiz-result\" id=\"{qid}-result\" role=\"status\" aria-live=\"polite\"></div>\n\
             </section>\n"
        ));
    }
    out.push_str(&format!(
        "<div class=\"quiz-footer\"><p class=\"quiz-summary\" id=\"quiz-{name}-summary\" aria-live=\"polite\"></p>\
         <button type=\"button\" class=\"quiz-reset\" id=\"quiz-{name}-reset\">Start the quiz again</button></div>\n\
         </div>\n",
        name = escape(name)
    ));
    Ok(out)
}

/// What the script needs to mark answers: per question id, the indexes of
/// the right options and every option's explanation as HTML.
fn answer_key(quiz: &Quiz) -> serde_json::Value {
    let questions: serde_json::Map<String, serde_json::Value> = quiz
        .questions
        .iter()
        .map(|q| {
            let right: Vec<usize> = (0..q.options.len())
                .filter(|&i| q.options[i].correct)
                .collect();
            let why: Vec<String> = q.options.iter().map(|o| markdown(&o.why)).collect();
            (
                q.id.clone(),
                serde_json::json!({ "right": right, "why": why }),
            )
        })
        .collect();
    serde_json::json!({ "version": 1, "questions": questions })
}

fn markdown(text: &str) -> String {
    let mut out = String::new();
    html::push_html(&mut out, Parser::new_ext(text, Options::empty()));
    out
}

/// Markdown that fits in a label: one paragraph, without the `<p>`.
fn inline(text: &str) -> String {
    let html = markdown(text.trim());
    let trimmed = html.trim();
    match trimmed
        .strip_prefix("<p>")
        .and_then(|t| t.strip_suffix("</p>"))
    {
        Some(inner) if !inner.contains("<p>") => one_block(inner),
        _ => one_block(trimmed),
    }
}

/// HTML that stays one markdown HTML block: a blank line would end the
/// block and let markdown read the rest. Newlines inside `<pre>` become
/// character references, which keep them.
fn one_block(html: &str) -> String {
    let pre = Regex::new(r"(?s)<pre.*?</pre>").expect("valid regex");
    let mut out = String::new();
    let mut last = 0;
    for m in pre.find_iter(html) {
        out.push_str(&collapse_blank_lines(&html[last..m.start()]));
        out.push_str(&keep_newlines(m.as_str()));
        last = m.end();
    }
    out.push_str(&collapse_blank_lines(&html[last..]));
    out.trim_end().to_owned()
}

/// Text shown as it is (a program's output), on one line of HTML.
fn keep_newlines(text: &str) -> String {
    text.replace('\n', "&#10;")
}

fn collapse_blank_lines(html: &str) -> String {
    html.lines()
        .filter(|l| !l.trim().is_empty())
        .collect::<Vec<_>>()
        .join("\n")
}

/// Standard base64, so the answer key is no readable text on the page.
fn base64(text: &str) -> String {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::new();
    for chunk in text.as_bytes().chunks(3) {
        let b = [
            chunk[0],
            *chunk.get(1).unwrap_or(&0),
            *chunk.get(2).unwrap_or(&0),
        ];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(ALPHABET[(n >> (18 - 6 * i) & 63) as usize] as char);
            } else {
                out.push('=');
            }
        }
    }
    out
}

/// Replaces `{{#quiz file}}` with the quiz; a quiz that cannot be read or
/// is not sound fails the build, naming what is wrong.
///
/// mdBook copies every file of `src` that is not a page into the output,
/// quiz files included: `files` collects them (relative to `src`) so that
/// the build can remove them, and no answer key is served as plain text.
#[derive(Clone, Default)]
pub struct Quizzes {
    pub files: std::sync::Arc<std::sync::Mutex<Vec<PathBuf>>>,
}

impl Preprocessor for Quizzes {
    fn name(&self) -> &str {
        "workbook-quizzes"
    }

    fn run(&self, ctx: &PreprocessorContext, mut book: Book) -> Result<Book, Error> {
        let src = ctx.root.join(&ctx.config.book.src);
        let directive = directive();
        let mut failures = Vec::new();
        book.for_each_mut(|item| {
            let BookItem::Chapter(chapter) = item else {
                return;
            };
            let Some(page) = chapter.path.clone() else {
                return;
            };
            let dir = src.join(page.parent().unwrap_or(Path::new("")));
            chapter.content = directive
                .replace_all(&chapter.content, |caps: &regex::Captures| {
                    let file = dir.join(&caps[1]);
                    if let (Ok(rel), Ok(mut files)) = (file.strip_prefix(&src), self.files.lock()) {
                        files.push(rel.to_path_buf());
                    }
                    let quiz_dir = file.parent().unwrap_or(&dir).to_path_buf();
                    Quiz::load(&file)
                        .and_then(|quiz| render(&quiz, &quiz_name(&page), &quiz_dir))
                        .unwrap_or_else(|error| {
                            failures.push(format!("{}: {error:#}", page.display()));
                            String::new()
                        })
                })
                .into_owned();
        });
        if !failures.is_empty() {
            return Err(Error::msg(format!(
                "malformed quiz:\n{}",
                failures.join("\n")
            )));
        }
        Ok(book)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const SOUND: &str = r#"
[[question]]
id = "lazy"
prompt = "What does `main` print?"
program = "lazy.rs"
prints = "made\ndone\n"
[[question.option]]
output = "made\ndone\n"
correct = true
why = "SECRET-RIGHT: the future runs only when awaited."
[[question.option]]
output = "done\n"
why = "SECRET-WRONG-1: it is awaited, so it runs."
[[question.option]]
text = "It does not compile."
compiles = false
why = "SECRET-WRONG-2: it compiles."

[[question]]
id = "parallel"
prompt = "Does async mean parallel?"
[[question.option]]
text = "Yes"
why = "SECRET-WRONG-3"
[[question.option]]
text = "No, **one** thread can run many futures"
correct = true
why = "SECRET-RIGHT-2"

[[question]]
id = "send"
prompt = "Does this compile?"
program = "send.rs"
compiles = false
error = "E0277"
[[question.option]]
text = "Yes"
why = "SECRET-WRONG-4"
[[question.option]]
text = "No"
compiles = false
correct = true
why = "SECRET-RIGHT-3"

[[question]]
id = "many"
prompt = "Which are true?"
multiple = true
[[question.option]]
text = "A"
correct = true
why = "SECRET-A"
[[question.option]]
text = "B"
correct = true
why = "SECRET-B"
[[question.option]]
text = "C"
why = "SECRET-C"

[[question]]
id = "await"
prompt = "What does `.await` do?\n\nTwo paragraphs."
[[question.option]]
text = "Blocks the thread"
why = "SECRET-WRONG-5"
[[question.option]]
text = "Polls"
correct = true
why = "SECRET-RIGHT-5"
"#;

    fn sound_dir() -> tempfile::TempDir {
        let dir = tempfile::tempdir().expect("temp dir");
        fs::write(
            dir.path().join("lazy.rs"),
            "fn main() {\n    println!(\"made\");\n\n    println!(\"done\");\n}\n",
        )
        .expect("write");
        fs::write(dir.path().join("send.rs"), "fn main() {}\n").expect("write");
        dir
    }

    fn parse(text: &str) -> Quiz {
        toml::from_str(text).expect("the quiz parses")
    }

    #[test]
    fn a_sound_quiz_parses_with_its_claims() {
        let dir = sound_dir();
        let quiz = parse(SOUND);
        assert_eq!(quiz.problems(dir.path()), Vec::<String>::new());
        assert_eq!(quiz.questions.len(), 5);
        assert_eq!(
            quiz.questions[0].claim(),
            Some(Claim::Prints("made\ndone\n".into()))
        );
        assert_eq!(
            quiz.questions[2].claim(),
            Some(Claim::DoesNotCompile {
                error: "E0277".into()
            })
        );
        assert_eq!(quiz.questions[1].claim(), None);
    }

    fn problems_after(from: &str, to: &str) -> String {
        let dir = sound_dir();
        let changed = SOUND.replacen(from, to, 1);
        assert_ne!(changed, SOUND, "the test changes nothing: {from:?}");
        parse(&changed).problems(dir.path()).join("\n")
    }

    #[test]
    fn rejects_a_single_choice_question_with_two_right_answers() {
        let problems = problems_after("text = \"Yes\"\n", "text = \"Yes\"\ncorrect = true\n");
        assert!(
            problems.contains("question `parallel`: 2 options are marked `correct`"),
            "{problems}"
        );
    }

    #[test]
    fn rejects_a_question_without_a_right_answer() {
        let problems = problems_after("correct = true\nwhy = \"SECRET-RIGHT-5\"", "why = \"x\"");
        assert!(
            problems.contains("question `await`: 0 options are marked `correct`"),
            "{problems}"
        );
    }

    #[test]
    fn rejects_an_option_without_an_explanation() {
        let problems = problems_after("why = \"SECRET-C\"", "");
        assert!(
            problems.contains("question `many`: option 3 is not explained"),
            "{problems}"
        );
    }

    #[test]
    fn rejects_a_repeated_id() {
        let problems = problems_after("id = \"await\"", "id = \"lazy\"");
        assert!(
            problems.contains("question `lazy`: another question has the same id"),
            "{problems}"
        );
    }

    #[test]
    fn rejects_a_right_option_that_contradicts_the_program_claim() {
        let problems = problems_after("prints = \"made\\ndone\\n\"", "prints = \"done\\n\"");
        assert!(
            problems.contains("question `lazy`: option 1 is marked right but does not say"),
            "{problems}"
        );
        assert!(
            problems.contains("question `lazy`: option 2 is marked wrong but says"),
            "{problems}"
        );
    }

    #[test]
    fn rejects_a_program_without_a_claim_or_file() {
        let problems = problems_after("prints = \"made\\ndone\\n\"\n", "");
        assert!(
            problems.contains("question `lazy`: say what verify must prove"),
            "{problems}"
        );
        let problems = problems_after("program = \"send.rs\"", "program = \"missing.rs\"");
        assert!(
            problems.contains("its program missing.rs is not a Rust file next to the quiz"),
            "{problems}"
        );
        let problems = problems_after("error = \"E0277\"", "error = \"\"");
        assert!(problems.contains("`error` is empty"), "{problems}");
    }

    #[test]
    fn rejects_a_short_quiz_and_unknown_fields() {
        let dir = sound_dir();
        let short = SOUND
            .split("[[question]]\nid = \"many\"")
            .next()
            .expect("a part");
        let problems = parse(short).problems(dir.path()).join("\n");
        assert!(problems.contains("it has 3 questions"), "{problems}");
        assert!(toml::from_str::<Quiz>("[[question]]\nid = \"a\"\nanswer = 1\n").is_err());
    }

    #[test]
    fn renders_no_answer_and_no_explanation_as_text() {
        let dir = sound_dir();
        let html = render(&parse(SOUND), "01-futures", dir.path()).expect("renders");
        assert!(
            !html.contains("SECRET"),
            "an explanation is readable:\n{html}"
        );
        assert!(!html.contains("correct"), "an answer is marked:\n{html}");
        assert!(!html.contains("right\""), "an answer is marked:\n{html}");
        let key = Regex::new(r#"data-key="([A-Za-z0-9+/=]+)""#).expect("regex");
        assert!(key.is_match(&html), "no encoded key:\n{html}");
    }

    #[test]
    fn renders_stable_ids_options_and_the_program() {
        let dir = sound_dir();
        let html = render(&parse(SOUND), "01-futures", dir.path()).expect("renders");
        for id in [
            "id=\"quiz-01-futures\"",
            "id=\"quiz-01-futures-lazy\"",
            "id=\"quiz-01-futures-lazy-1\"",
            "<label for=\"quiz-01-futures-lazy-3\">It does not compile.</label>",
            "id=\"quiz-01-futures-lazy-check\"",
            "id=\"quiz-01-futures-lazy-result\"",
            "id=\"quiz-01-futures-summary\"",
            "id=\"quiz-01-futures-reset\"",
            "type=\"radio\" class=\"quiz-input\" name=\"quiz-01-futures-parallel\"",
            "type=\"checkbox\" class=\"quiz-input\" name=\"quiz-01-futures-many\"",
            "No, <strong>one</strong> thread can run many futures",
            "<span class=\"quiz-output\">made&#10;done</span>",
            "\n```rust\nfn main() {\n    println!(\"made\");\n\n    println!(\"done\");\n}\n```\n",
        ] {
            assert!(html.contains(id), "missing {id:?} in:\n{html}");
        }
    }

    #[test]
    fn html_parts_have_no_blank_line_outside_the_programs() {
        let dir = sound_dir();
        let html = render(&parse(SOUND), "q", dir.path()).expect("renders");
        let fences: Vec<&str> = html.split("```").collect();
        for (i, part) in fences.iter().enumerate().filter(|(i, _)| i % 2 == 0) {
            let inner = part.trim_matches('\n');
            assert!(
                !inner.contains("\n\n"),
                "part {i} has a blank line, which would end its HTML block:\n{part}"
            );
        }
    }

    #[test]
    fn the_key_decodes_to_the_answers() {
        assert_eq!(base64(""), "");
        assert_eq!(base64("f"), "Zg==");
        assert_eq!(base64("fo"), "Zm8=");
        assert_eq!(base64("foo"), "Zm9v");
        assert_eq!(base64("é!"), "w6kh");
        let key = answer_key(&parse(SOUND));
        assert_eq!(key["questions"]["lazy"]["right"], serde_json::json!([0]));
        assert_eq!(key["questions"]["many"]["right"], serde_json::json!([0, 1]));
        assert!(
            key["questions"]["lazy"]["why"][1]
                .as_str()
                .is_some_and(|w| w.contains("SECRET-WRONG-1"))
        );
    }
}
