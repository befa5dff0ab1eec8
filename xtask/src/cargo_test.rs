//! Reads the output of `cargo test`: did it compile, which tests failed,
//! and in which test binary.

#[derive(Debug, PartialEq)]
pub struct FailedTest {
    /// The test target, as cargo names it: `tests/countdown.rs`, `src/lib.rs`.
    pub target: String,
    pub name: String,
}

impl FailedTest {
    /// Trybuild runners live in `tests/ui.rs` by convention.
    pub fn is_ui(&self) -> bool {
        self.target == "tests/ui.rs"
    }
}

#[derive(Debug, Default)]
pub struct TestOutput {
    /// At least one test binary ran, so everything compiled.
    pub compiled: bool,
    pub passed: usize,
    pub failed: Vec<FailedTest>,
}

pub fn parse(output: &str) -> TestOutput {
    let mut result = TestOutput::default();
    let mut target = String::new();
    for line in output.lines() {
        let line = line.trim_end();
        if let Some(rest) = line.trim_start().strip_prefix("Running ") {
            result.compiled = true;
            target = rest.split(" (").next().unwrap_or(rest).to_owned();
        } else if let Some(rest) = line.trim_start().strip_prefix("Doc-tests ") {
            result.compiled = true;
            target = format!("doc-tests {rest}");
        } else if let Some(rest) = line.strip_prefix("test ") {
            if let Some(name) = rest.strip_suffix(" ... FAILED") {
                result.failed.push(FailedTest {
                    target: target.clone(),
                    name: name.to_owned(),
                });
            } else if rest.ends_with(" ... ok") {
                result.passed += 1;
            }
        }
    }
    result
}

/// The first compiler error, with its location, for a one-glance report.
pub fn first_compile_error(output: &str) -> Option<String> {
    let mut lines = output.lines();
    let first = lines.find(|l| l.starts_with("error[") || l.starts_with("error:"))?;
    let location = lines.find(|l| l.trim_start().starts_with("--> "));
    Some(match location {
        Some(at) => format!("{first} ({})", at.trim_start().trim_start_matches("--> ")),
        None => first.to_owned(),
    })
}

/// The first panic message of a failing test, for a one-glance report.
pub fn first_panic(output: &str) -> Option<String> {
    let mut lines = output.lines().skip_while(|l| !l.contains("panicked at"));
    lines.next()?;
    let message: Vec<&str> = lines
        .take_while(|l| {
            !l.is_empty() && !l.starts_with("note:") && !l.starts_with("stack backtrace")
        })
        .take(4)
        .collect();
    Some(message.join(" "))
}

#[cfg(test)]
mod tests {
    use super::*;

    const OUTPUT: &str = "\
   Compiling countdown v0.1.0 (/w/exercises/01-futures/02-countdown)
    Finished `test` profile [unoptimized] target(s) in 1.20s
     Running tests/countdown.rs (target/debug/deps/countdown-1234)

running 2 tests
test counts_down ... ok
test wakes_once ... FAILED

failures:

---- wakes_once stdout ----

thread 'wakes_once' panicked at tests/countdown.rs:3:5:
expected 5 wake-ups
  left: 0
note: run with `RUST_BACKTRACE=1`

     Running tests/ui.rs (target/debug/deps/ui-5678)

running 1 test
test ui ... FAILED
";

    #[test]
    fn finds_failed_tests_and_their_targets() {
        let parsed = parse(OUTPUT);
        assert!(parsed.compiled);
        assert_eq!(parsed.passed, 1);
        assert_eq!(
            parsed.failed,
            vec![
                FailedTest {
                    target: "tests/countdown.rs".into(),
                    name: "wakes_once".into()
                },
                FailedTest {
                    target: "tests/ui.rs".into(),
                    name: "ui".into()
                },
            ]
        );
        assert!(!parsed.failed[0].is_ui());
        assert!(parsed.failed[1].is_ui());
    }

    #[test]
    fn a_build_error_means_nothing_compiled() {
        let output = "error[E0308]: mismatched types\n --> src/lib.rs:4:9\n  |\nerror: could not compile `x`";
        assert!(!parse(output).compiled);
        assert_eq!(
            first_compile_error(output).as_deref(),
            Some("error[E0308]: mismatched types (src/lib.rs:4:9)")
        );
    }

    #[test]
    fn extracts_the_panic_message() {
        assert_eq!(
            first_panic(OUTPUT).as_deref(),
            Some("expected 5 wake-ups   left: 0")
        );
    }
}
