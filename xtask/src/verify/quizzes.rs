//! The quizzes' programs: each question about a program declares what the
//! program does (`prints = "..."`, or `compiles = false` with an error
//! code); verify builds the programs with the book's snippets, against the
//! workspace's real dependencies, runs those that should print, and fails
//! when a program does not do what its question says.

use std::fs;
use std::path::Path;

use crate::book::quiz::{Claim, Quiz, directive};
use crate::process::Finished;

use super::scratch::files_under;
use super::snippets::Snippet;

/// A quiz question's program, as a binary of the snippet crate.
pub struct QuizProgram {
    /// The question's id.
    pub question: String,
    pub snippet: Snippet,
    pub claim: Claim,
}

impl QuizProgram {
    pub fn label(&self) -> String {
        match &self.claim {
            Claim::Prints(_) => format!(
                "quiz program book/src/{} prints what question `{}` says",
                self.snippet.page, self.question
            ),
            Claim::DoesNotCompile { error } => format!(
                "quiz program book/src/{} fails to compile with {error}, as question `{}` says",
                self.snippet.page, self.question
            ),
        }
    }

    /// Judges the program from the snippet build (`compile_error`: its
    /// first error, if it failed) and, for a program that should print, a
    /// run of its binary.
    pub fn judge(
        &self,
        compile_error: Option<&str>,
        build_timed_out: bool,
        run: impl FnOnce() -> Result<Finished, String>,
    ) -> Result<String, String> {
        if build_timed_out {
            return Err("building the snippets timed out".to_owned());
        }
        match (&self.claim, compile_error) {
            (Claim::DoesNotCompile { error }, Some(first)) => {
                // A code is reported as `error[E0277]`; an error without a
                // code is matched by its message.
                let is_code = error.len() == 5
                    && error.starts_with('E')
                    && error[1..].chars().all(|c| c.is_ascii_digit());
                let matches = if is_code {
                    first.contains(&format!("error[{error}]"))
                } else {
                    first.contains(error.as_str())
                };
                if matches {
                    Ok(format!("{error}, as claimed"))
                } else {
                    Err(format!(
                        "the question says it fails with {error}; its first error is: {first}"
                    ))
                }
            }
            (Claim::DoesNotCompile { error }, None) => Err(format!(
                "the question says it fails to compile with {error}, but it compiles"
            )),
            (Claim::Prints(_), Some(first)) => Err(format!(
                "the question says what it prints, but it does not compile: {first}"
            )),
            (Claim::Prints(expected), None) => {
                let run = run()?;
                match run.success {
                    None => Err("it did not finish in time".to_owned()),
                    Some(false) => Err(format!("it exits with an error:\n{}", run.output)),
                    Some(true) if run.output.trim_end() == expected.trim_end() => {
                        Ok("prints as claimed".to_owned())
                    }
                    Some(true) => Err(format!(
                        "the question says it prints:\n{}\nit prints:\n{}",
                        indent(expected.trim_end()),
                        indent(run.output.trim_end())
                    )),
                }
            }
        }
    }
}

fn indent(text: &str) -> String {
    text.lines()
        .map(|l| format!("  | {l}"))
        .collect::<Vec<_>>()
        .join("\n")
}

/// Every quiz under `src` (named by a page's `{{#quiz}}`): the number of
/// quizzes and questions, their programs, and the problems of the quiz
/// files that are not sound.
pub struct Quizzes {
    pub quizzes: usize,
    pub questions: usize,
    pub programs: Vec<QuizProgram>,
    pub problems: Vec<String>,
}

pub fn collect(src: &Path) -> Quizzes {
    let mut found = Quizzes {
        quizzes: 0,
        questions: 0,
        programs: Vec::new(),
        problems: Vec::new(),
    };
    let directive = directive();
    for page in files_under(src).unwrap_or_default() {
        if page.extension().is_none_or(|e| e != "md") {
            continue;
        }
        let Ok(text) = fs::read_to_string(&page) else {
            continue;
        };
        let dir = page.parent().unwrap_or(src);
        for caps in directive.captures_iter(&text) {
            let file = dir.join(&caps[1]);
            let quiz = match Quiz::load(&file) {
                Ok(quiz) => quiz,
                Err(error) => {
                    found.problems.push(format!("{error:#}"));
                    continue;
                }
            };
            found.quizzes += 1;
            found.questions += quiz.questions.len();
            let quiz_dir = file.parent().unwrap_or(dir);
            for q in &quiz.questions {
                let (Some(program), Some(claim)) = (&q.program, q.claim()) else {
                    continue;
                };
                let path = quiz_dir.join(program);
                let Ok(code) = fs::read_to_string(&path) else {
                    continue; // reported by Quiz::load
                };
                let rel = relative(src, &path);
                found.programs.push(QuizProgram {
                    question: q.id.clone(),
                    snippet: Snippet {
                        bin: format!(
                            "quiz-{}",
                            rel.trim_end_matches(".rs").replace(['/', '.'], "-")
                        ),
                        page: rel,
                        line: 0,
                        code,
                        run: false,
                    },
                    claim,
                });
            }
        }
    }
    found
}

/// `path` relative to `src`, with `..` resolved, as `/`-separated text.
fn relative(src: &Path, path: &Path) -> String {
    let mut parts: Vec<String> = Vec::new();
    let inner = path.strip_prefix(src).unwrap_or(path);
    for component in inner.components() {
        match component {
            std::path::Component::ParentDir => {
                parts.pop();
            }
            std::path::Component::CurDir => {}
            other => parts.push(other.as_os_str().to_string_lossy().into_owned()),
        }
    }
    parts.join("/")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn program(claim: Claim) -> QuizProgram {
        QuizProgram {
            question: "lazy".into(),
            snippet: Snippet {
                page: "01-futures/quiz/lazy.rs".into(),
                line: 0,
                bin: "quiz-01-futures-quiz-lazy".into(),
                code: String::new(),
                run: false,
            },
            claim,
        }
    }

    fn printed(output: &str) -> Result<Finished, String> {
        Ok(Finished {
            success: Some(true),
            output: output.to_owned(),
            elapsed: std::time::Duration::ZERO,
        })
    }

    #[test]
    fn a_program_must_print_what_its_question_says() {
        let p = program(Claim::Prints("a\nb\n".into()));
        assert!(p.judge(None, false, || printed("a\nb\n")).is_ok());
        let wrong = p.judge(None, false, || printed("b\na\n")).unwrap_err();
        assert!(wrong.contains("it prints:\n  | b\n  | a"), "{wrong}");
        let broken = p
            .judge(Some("error[E0308]: mismatched types"), false, || {
                printed("")
            })
            .unwrap_err();
        assert!(broken.contains("does not compile"), "{broken}");
    }

    #[test]
    fn a_program_said_not_to_compile_must_fail_with_its_code() {
        let p = program(Claim::DoesNotCompile {
            error: "E0277".into(),
        });
        assert!(
            p.judge(
                Some("error[E0277]: `Rc<i32>` cannot be sent"),
                false,
                || { printed("") }
            )
            .is_ok()
        );
        let other = p
            .judge(Some("error[E0308]: mismatched types"), false, || {
                printed("")
            })
            .unwrap_err();
        assert!(other.contains("its first error is"), "{other}");
        let compiles = p.judge(None, false, || printed("")).unwrap_err();
        assert!(compiles.contains("but it compiles"), "{compiles}");
    }

    #[test]
    fn names_a_program_by_its_path_in_the_book() {
        assert_eq!(
            relative(
                Path::new("/w/book/src"),
                Path::new("/w/book/src/01-futures/./quiz/../quiz/lazy.rs")
            ),
            "01-futures/quiz/lazy.rs"
        );
    }
}
