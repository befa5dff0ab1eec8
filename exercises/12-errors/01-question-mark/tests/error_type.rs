use std::error::Error;
use std::io;

use question_mark::{BumpError, report};

fn io_error() -> io::Error {
    io::Error::new(io::ErrorKind::PermissionDenied, "cannot read \"hits\"")
}

fn parse_error() -> std::num::ParseIntError {
    "many".parse::<u64>().unwrap_err()
}

#[test]
fn each_variant_displays_its_own_message() {
    for (error, expected) in [
        (BumpError::Store(io_error()), "the store failed"),
        (
            BumpError::NotANumber(parse_error()),
            "the stored value is not a number",
        ),
        (BumpError::Full, "the counter is at its maximum"),
    ] {
        assert_eq!(
            error.to_string(),
            expected,
            "{error:?} must display as the text in its doc comment, and only that (its cause is \
             its source(), not part of its message)"
        );
    }
}

#[test]
fn the_cause_is_the_source() {
    let store = BumpError::Store(io_error());
    let source = store.source().unwrap_or_else(|| {
        panic!("BumpError::Store(..).source() is None: it must be the io::Error inside")
    });
    let cause = source.downcast_ref::<io::Error>().unwrap_or_else(|| {
        panic!("BumpError::Store(..).source() must be the io::Error inside, it is {source:?}")
    });
    assert_eq!(
        cause.kind(),
        io::ErrorKind::PermissionDenied,
        "source() must be the very io::Error inside"
    );

    let parse = BumpError::NotANumber(parse_error());
    let source = parse.source().unwrap_or_else(|| {
        panic!("BumpError::NotANumber(..).source() is None: it must be the ParseIntError inside")
    });
    assert!(
        source.is::<std::num::ParseIntError>(),
        "BumpError::NotANumber(..).source() must be the ParseIntError inside, it is {source:?}"
    );

    assert!(
        BumpError::Full.source().is_none(),
        "BumpError::Full has no cause: its source() must be None"
    );
}

#[test]
fn question_mark_converts_both_causes() {
    fn read() -> Result<(), BumpError> {
        Err(io_error())?
    }
    fn parse() -> Result<u64, BumpError> {
        Ok("many".parse::<u64>()?)
    }
    assert!(
        matches!(read(), Err(BumpError::Store(_))),
        "`?` on an io::Error must give BumpError::Store"
    );
    assert!(
        matches!(parse(), Err(BumpError::NotANumber(_))),
        "`?` on a ParseIntError must give BumpError::NotANumber"
    );
}

#[test]
fn report_joins_the_chain_of_sources() {
    assert_eq!(
        report(&BumpError::Store(io_error())),
        "the store failed: cannot read \"hits\"",
        "report must give the error's message, then each source's message, joined by \": \" \
         (if the io::Error is missing, check first that BumpError::Store's source() is that \
         io::Error: see the_cause_is_the_source)"
    );
    assert_eq!(
        report(&BumpError::Full),
        "the counter is at its maximum",
        "an error without a source is reported as its message alone"
    );
}

#[test]
fn report_follows_the_chain_to_its_end() {
    #[derive(Debug, thiserror::Error)]
    #[error("the nightly job failed")]
    struct Job(#[source] BumpError);

    let job = Job(BumpError::Store(io_error()));
    assert_eq!(
        report(&job),
        "the nightly job failed: the store failed: cannot read \"hits\"",
        "report must follow source() until there is none, not stop after one step (if the \
         chain stops at BumpError, its source() is missing: see the_cause_is_the_source)"
    );
}
