//! Quizzes on the fixture workbook: `verify` runs each quiz program and
//! fails when a question says something false about it; the book does not
//! build with a malformed quiz.

mod common;

use common::Fixture;

const SUMMARY: &str = "book/src/SUMMARY.md";

/// Adds a quiz page with five questions: three true claims about programs,
/// two false ones, and a plain multiple-choice question.
fn with_quiz(fixture: &Fixture) {
    fixture.write(
        SUMMARY,
        &format!("{}  - [Quiz](01-basics/quiz.md)\n", fixture.read(SUMMARY)),
    );
    fixture.write(
        "book/src/01-basics/quiz.md",
        "# Quiz\n\n{{#quiz quiz.toml}}\n",
    );
    fixture.write(
        "book/src/01-basics/quiz/one.rs",
        "fn main() {\n    println!(\"one\");\n}\n",
    );
    fixture.write(
        "book/src/01-basics/quiz/two.rs",
        "fn main() {\n    println!(\"two\");\n}\n",
    );
    fixture.write(
        "book/src/01-basics/quiz/mismatch.rs",
        "fn main() {\n    let n: u32 = \"four\";\n    println!(\"{n}\");\n}\n",
    );
    let program = |id: &str, file: &str, claim: &str, right: &str| {
        format!(
            "[[question]]\nid = \"{id}\"\nprompt = \"What happens?\"\nprogram = \"quiz/{file}\"\n{claim}\n\
             [[question.option]]\n{right}\ncorrect = true\nwhy = \"Because.\"\n\
             [[question.option]]\ntext = \"Something else.\"\nwhy = \"No.\"\n\n"
        )
    };
    let mut quiz = String::new();
    quiz += &program(
        "one",
        "one.rs",
        "prints = \"one\\n\"",
        "output = \"one\\n\"",
    );
    quiz += &program(
        "two",
        "two.rs",
        "prints = \"three\\n\"",
        "output = \"three\\n\"",
    );
    quiz += &program(
        "mismatch",
        "mismatch.rs",
        "compiles = false\nerror = \"E0308\"",
        "text = \"No.\"\ncompiles = false",
    );
    quiz += &program(
        "compiles",
        "one.rs",
        "compiles = false\nerror = \"E0277\"",
        "text = \"No.\"\ncompiles = false",
    );
    quiz += "[[question]]\nid = \"choice\"\nprompt = \"Pick.\"\n\
             [[question.option]]\ntext = \"A\"\ncorrect = true\nwhy = \"Yes.\"\n\
             [[question.option]]\ntext = \"B\"\nwhy = \"No.\"\n";
    fixture.write("book/src/01-basics/quiz.toml", &quiz);
}

fn check_line<'a>(output: &'a str, label: &str) -> &'a str {
    output
        .lines()
        .find(|l| l.contains(label))
        .unwrap_or_else(|| panic!("no check {label:?} in:\n{output}"))
}

#[test]
fn verify_runs_each_quiz_program_and_rejects_false_claims() {
    let fixture = Fixture::new();
    with_quiz(&fixture);
    let (ok, output) = fixture.xtask(&["verify", "add"]);
    assert!(!ok, "verify passed a quiz with false claims:\n{output}");
    assert!(
        check_line(&output, "the quizzes are well-formed").contains("ok"),
        "{output}"
    );
    let program = |file: &str| format!("quiz program book/src/01-basics/quiz/{file}");
    assert!(
        check_line(&output, &program("one.rs")).contains("ok"),
        "a true `prints` claim must pass:\n{output}"
    );
    assert!(
        check_line(&output, &program("mismatch.rs")).contains("ok"),
        "a true `compiles = false` claim must pass:\n{output}"
    );
    assert!(
        check_line(&output, &program("two.rs")).contains("FAILED"),
        "a false `prints` claim must fail:\n{output}"
    );
    assert!(
        output.contains(
            "the question says it prints:\n        | three\n      it prints:\n        | two"
        ),
        "{output}"
    );
    assert!(
        check_line(&output, "fails to compile with E0277").contains("FAILED"),
        "a program said not to compile that compiles must fail:\n{output}"
    );
    assert!(output.contains("but it compiles"), "{output}");
}

#[test]
fn a_malformed_quiz_fails_the_book_build() {
    let fixture = Fixture::new();
    with_quiz(&fixture);
    let quiz = fixture
        .read("book/src/01-basics/quiz.toml")
        .replace("text = \"B\"", "text = \"B\"\ncorrect = true");
    fixture.write("book/src/01-basics/quiz.toml", &quiz);
    let (ok, output) = fixture.xtask(&["book"]);
    assert!(!ok, "the book built with a malformed quiz:\n{output}");
    assert!(
        output.contains("question `choice`: 2 options are marked `correct`"),
        "{output}"
    );
}

#[test]
fn the_built_quiz_page_has_no_answer_text() {
    let fixture = Fixture::new();
    with_quiz(&fixture);
    let (ok, output) = fixture.xtask(&["book"]);
    assert!(ok, "{output}");
    let page = fixture.read("book/book/01-basics/quiz.html");
    assert!(page.contains("id=\"quiz-01-basics-one-1\""), "{page}");
    for secret in ["Because.", "correct"] {
        assert!(!page.contains(secret), "{secret:?} is readable in:\n{page}");
    }
    assert!(
        !fixture.path("book/book/01-basics/quiz.toml").exists(),
        "the quiz file, answers and all, was copied next to the page"
    );
}
