use std::io;
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::Duration;

use cancel_safe::FrameReader;
use tokio::io::{AsyncRead, AsyncWriteExt, DuplexStream, ReadBuf, duplex};
use tokio::time::{interval, sleep, timeout};
use workbook_support::on_paused_tokio;

const LIMIT: Duration = Duration::from_secs(5);

/// A frame on the wire: its length as two big-endian bytes, then the payload.
fn frame(payload: &[u8]) -> Vec<u8> {
    let mut bytes = u16::try_from(payload.len())
        .expect("a short payload")
        .to_be_bytes()
        .to_vec();
    bytes.extend_from_slice(payload);
    bytes
}

/// A stream that delivers `pieces` one by one, each after its pause, then
/// ends. Each piece arrives as one read.
fn feed(pieces: Vec<(Duration, Vec<u8>)>) -> DuplexStream {
    let (mut writer, reader) = duplex(1 << 16);
    tokio::spawn(async move {
        for (pause, bytes) in pieces {
            sleep(pause).await;
            writer.write_all(&bytes).await.expect("the reader is alive");
        }
    });
    reader
}

/// Payloads as text, for messages.
fn shown(frames: &[Vec<u8>]) -> Vec<String> {
    frames
        .iter()
        .map(|f| String::from_utf8_lossy(f).into_owned())
        .collect()
}

/// Reads every frame with `next_frame` as a branch of a `select!` loop
/// whose other branch is a ticker that fires every `tick`, so the
/// `next_frame` future is dropped whenever a tick comes first.
/// Returns the frames, how many ticks won, and the error that ended the
/// loop, if one did.
async fn read_with_ticks(
    reader: &mut FrameReader<DuplexStream>,
    tick: Duration,
) -> (Vec<Vec<u8>>, usize, Option<io::Error>) {
    let mut ticker = interval(tick);
    ticker.tick().await; // the first tick is immediate
    let (mut frames, mut ticks) = (Vec::new(), 0);
    loop {
        let next = timeout(Duration::from_secs(3600), async {
            tokio::select! {
                biased;
                _ = ticker.tick() => None,
                frame = reader.next_frame() => Some(frame),
            }
        })
        .await;
        match next {
            Err(_) => panic!(
                "after the frames {:?}, next_frame waited an hour (of paused time) though the \
                 stream had ended: it should have returned Ok(None) or an error",
                shown(&frames)
            ),
            Ok(None) => ticks += 1,
            Ok(Some(Ok(Some(frame)))) => frames.push(frame),
            Ok(Some(Ok(None))) => return (frames, ticks, None),
            Ok(Some(Err(error))) => return (frames, ticks, Some(error)),
        }
    }
}

/// The two usual ways to lose bytes, for the messages of the tests below.
const LIKELY_CAUSES: &str = "Two usual causes: bytes read so far were kept in the future's own \
     locals (or inside an operation that is not cancel-safe, such as `read_exact`), and were \
     lost when the future was dropped; or bytes read past the end of a frame were thrown away \
     when that frame was returned (they are the start of the next frames: remove only the \
     frame you return). Keep every byte read in the FrameReader, with no `.await` between \
     reading it and storing it, until it has been returned in a frame.";

/// Checks the frames read in a `select!` loop against the frames sent.
fn check_frames(got: (Vec<Vec<u8>>, usize, Option<io::Error>), expected: &[&str], what: &str) {
    let (frames, ticks, error) = got;
    let expected: Vec<String> = expected.iter().map(|s| s.to_string()).collect();
    let lost = format!(
        "{what}. A ticker won the `select!` {ticks} times while next_frame was waiting for \
         more bytes, and each time the `next_frame` future was dropped, so bytes were lost on \
         the way and a later call started in the middle of a frame. {LIKELY_CAUSES}"
    );
    if let Some(error) = error {
        panic!(
            "next_frame returned an error ({error}) after the frames {:?}; the stream held the \
             frames {expected:?} and ended cleanly.\n{lost}",
            shown(&frames)
        );
    }
    assert!(
        shown(&frames) == expected,
        "next_frame returned the frames {:?}; the stream held {expected:?}.\n{lost}",
        shown(&frames)
    );
}

#[test]
fn reads_every_frame_then_none_at_the_end() {
    on_paused_tokio(LIMIT, || async {
        let mut bytes = frame(b"hello");
        bytes.extend(frame(b""));
        bytes.extend(frame(b"frames"));
        let mut reader = FrameReader::new(&bytes[..]);
        for expected in ["hello", "", "frames"] {
            let got = reader.next_frame().await;
            assert!(
                matches!(&got, Ok(Some(payload)) if payload == expected.as_bytes()),
                "the next frame should be Ok(Some({expected:?})), got {:?}",
                got.map(|f| f.map(|p| String::from_utf8_lossy(&p).into_owned()))
            );
        }
        let end = reader.next_frame().await;
        assert!(
            matches!(end, Ok(None)),
            "after the last frame the stream ends: next_frame should return Ok(None), got {end:?}"
        );
    });
}

#[test]
fn a_frame_comes_out_as_soon_as_its_bytes_have_arrived() {
    on_paused_tokio(LIMIT, || async {
        // Two frames in one write, on a stream that stays open: the writer
        // lives to the end of the test, as in a live protocol.
        let (mut writer, stream) = duplex(1 << 16);
        writer
            .write_all(&[frame(b"one"), frame(b"two")].concat())
            .await
            .expect("the reader is alive");
        let mut reader = FrameReader::new(stream);
        for expected in ["one", "two"] {
            let got = timeout(Duration::from_secs(1), reader.next_frame()).await;
            assert!(
                matches!(&got, Ok(Ok(Some(payload))) if payload == expected.as_bytes()),
                "the stream is still open and every byte of the frame {expected:?} has arrived: \
                 next_frame must return it without waiting for more bytes, but after a second \
                 (of paused time) it had {}. Look at what is already in hand before waiting \
                 for the stream (bytes that came with the previous frame belong to this one: \
                 they must still be there), and check the arithmetic that says a frame is \
                 whole: two bytes of length plus the payload, no more.",
                match got {
                    Err(_) => "not returned".to_owned(),
                    Ok(other) => format!(
                        "returned {:?}",
                        other.map(|f| f.map(|p| String::from_utf8_lossy(&p).into_owned()))
                    ),
                }
            );
        }
        drop(writer);
    });
}

#[test]
fn a_frame_survives_a_select_branch_that_wins() {
    on_paused_tokio(LIMIT, || async {
        let wire = [frame(b"first frame"), frame(b"second frame")].concat();
        // The first frame arrives in two pieces 10 ms apart, and a tick
        // comes every 3 ms.
        let mut reader = FrameReader::new(feed(vec![
            (Duration::ZERO, wire[..7].to_vec()),
            (Duration::from_millis(10), wire[7..].to_vec()),
        ]));
        let got = read_with_ticks(&mut reader, Duration::from_millis(3)).await;
        check_frames(
            got,
            &["first frame", "second frame"],
            "The first frame came in two pieces, 10 ms apart",
        );
    });
}

#[test]
fn a_length_split_in_two_survives_a_select_branch_that_wins() {
    on_paused_tokio(LIMIT, || async {
        let wire = [frame(b"split length"), frame(b"next")].concat();
        let mut reader = FrameReader::new(feed(vec![
            (Duration::ZERO, wire[..1].to_vec()),
            (Duration::from_millis(10), wire[1..].to_vec()),
        ]));
        let got = read_with_ticks(&mut reader, Duration::from_millis(3)).await;
        check_frames(
            got,
            &["split length", "next"],
            "The first byte of the first frame's two-byte length came alone, 10 ms before \
             the rest",
        );
    });
}

#[test]
fn a_frame_survives_a_branch_that_wins_on_the_very_next_poll() {
    on_paused_tokio(LIMIT, || async {
        let wire = [frame(b"no pause"), frame(b"at all")].concat();
        // The pieces come from another task with no timer in between: one
        // piece each time the writer gets to run.
        //
        // Deterministic: everything runs on one thread, and in tokio 1.54
        // `yield_now` does not wake its task at once; it hands the waker to
        // the scheduler, which wakes it only once no other task is ready
        // and the drivers have been polled. So between two turns of the
        // loop below the writer runs exactly once (one piece, then its own
        // `yield_now`), and the `yield_now` branch, Pending on its first
        // poll, is ready on the next turn: the same interleaving every run.
        let (mut writer, stream) = duplex(1 << 16);
        tokio::spawn(async move {
            for piece in wire.chunks(3) {
                writer.write_all(piece).await.expect("the reader is alive");
                tokio::task::yield_now().await;
            }
        });
        let mut reader = FrameReader::new(stream);
        // The other branch is ready on its second poll: whenever
        // next_frame is still Pending at the end of one turn, or wakes
        // itself, it loses the next one and is dropped.
        let (mut frames, mut lost_races, mut end) = (Vec::new(), 0, None);
        while end.is_none() && lost_races < 100_000 {
            tokio::select! {
                biased;
                () = tokio::task::yield_now() => lost_races += 1,
                frame = reader.next_frame() => match frame {
                    Ok(Some(frame)) => frames.push(frame),
                    Ok(None) => end = Some(Ok(())),
                    Err(error) => end = Some(Err(error)),
                },
            }
        }
        let frames = shown(&frames);
        let end = match end {
            Some(Ok(())) => "Ok(None)".to_owned(),
            Some(Err(error)) => format!("the error {error}"),
            None => "no end: it never got to the end of the stream".to_owned(),
        };
        assert!(
            end == "Ok(None)" && frames == ["no pause", "at all"],
            "next_frame returned {frames:?} then {end}; the stream held [\"no pause\", \
             \"at all\"] in pieces of 3 bytes. The other branch of the `select!` won \
             {lost_races} times, each time next_frame had been polled without finishing, so \
             its future was dropped there: every `.await` in next_frame is a point where it \
             can be dropped. {LIKELY_CAUSES}"
        );
    });
}

#[test]
fn many_frames_in_one_read_all_come_out() {
    on_paused_tokio(LIMIT, || async {
        let wire = [frame(b"one"), frame(b"two"), frame(b"three")].concat();
        let mut reader = FrameReader::new(feed(vec![
            (Duration::from_millis(5), wire),
            (Duration::from_millis(5), frame(b"four")),
        ]));
        let (frames, _, error) = read_with_ticks(&mut reader, Duration::from_millis(1)).await;
        assert!(
            error.is_none() && shown(&frames) == ["one", "two", "three", "four"],
            "three frames came in one read, then a fourth; next_frame returned {:?} then {}. \
             Bytes read past the end of one frame belong to the next ones: keep them for the \
             following calls.",
            shown(&frames),
            error.map_or("Ok(None)".to_owned(), |e| format!("the error {e}"))
        );
    });
}

#[test]
fn a_long_frame_in_small_pieces_under_a_timeout_loop() {
    on_paused_tokio(LIMIT, || async {
        let payload: Vec<u8> = (0..3000_u32).map(|i| b'a' + (i % 26) as u8).collect();
        let wire = [frame(&payload), frame(b"after")].concat();
        let pieces = wire
            .chunks(100)
            .map(|piece| (Duration::from_millis(2), piece.to_vec()))
            .collect();
        let mut reader = FrameReader::new(feed(pieces));
        // A caller that gives each attempt 1 ms, and tries again.
        let (mut frames, mut gave_up) = (Vec::new(), 0);
        loop {
            match timeout(Duration::from_millis(1), reader.next_frame()).await {
                Err(_) => gave_up += 1,
                Ok(Ok(Some(frame))) => frames.push(frame),
                Ok(Ok(None)) => break,
                Ok(Err(error)) => panic!(
                    "next_frame returned an error ({error}) after {} frames. A 3000-byte frame \
                     came in 100-byte pieces, 2 ms apart, and a caller gave each call 1 ms: \
                     {gave_up} calls were dropped while the frame was half read, and bytes were \
                     lost on the way. {LIKELY_CAUSES}",
                    frames.len()
                ),
            }
            assert!(gave_up < 10_000, "next_frame never finished");
        }
        assert!(
            frames.len() == 2 && frames[0] == payload && frames[1] == b"after",
            "a 3000-byte frame then \"after\", in 100-byte pieces, came out as {} frames of \
             lengths {:?}: expected 2 frames, of 3000 and 5 bytes. {gave_up} calls were \
             dropped by a timeout halfway; none may lose a byte. {LIKELY_CAUSES}",
            frames.len(),
            frames.iter().map(Vec::len).collect::<Vec<_>>()
        );
    });
}

/// A stream that gives `bytes` (in reads as large as the caller asks), then
/// fails with an error of kind `ConnectionReset` on every read.
struct FailsAfter {
    bytes: Vec<u8>,
}

impl AsyncRead for FailsAfter {
    fn poll_read(
        mut self: Pin<&mut Self>,
        _: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        if self.bytes.is_empty() {
            return Poll::Ready(Err(io::Error::new(
                io::ErrorKind::ConnectionReset,
                "connection reset (on purpose, by the test)",
            )));
        }
        let n = buf.remaining().min(self.bytes.len());
        buf.put_slice(&self.bytes[..n]);
        self.bytes.drain(..n);
        Poll::Ready(Ok(()))
    }
}

#[test]
fn other_io_errors_come_out_as_they_are() {
    on_paused_tokio(LIMIT, || async {
        for (bytes, place) in [
            (frame(b"whole"), "between two frames"),
            (
                [frame(b"whole"), frame(b"cut off")[..4].to_vec()].concat(),
                "inside a frame",
            ),
        ] {
            let mut reader = FrameReader::new(FailsAfter { bytes });
            let first = reader.next_frame().await;
            assert!(
                matches!(&first, Ok(Some(p)) if p == b"whole"),
                "the first frame is whole: expected Ok(Some(\"whole\")), got {first:?}"
            );
            let second = timeout(Duration::from_secs(3600), reader.next_frame()).await;
            assert!(
                matches!(&second, Ok(Err(e)) if e.kind() == io::ErrorKind::ConnectionReset),
                "the stream failed {place}, with an error of kind ConnectionReset: next_frame \
                 should return that error as it is, got {second:?}. Only the end of the stream \
                 (a read of 0 bytes) means Ok(None) or UnexpectedEof; any other error is for \
                 the caller to see."
            );
        }
    });
}

#[test]
fn a_stream_that_ends_inside_a_frame_is_an_error() {
    on_paused_tokio(LIMIT, || async {
        for (cut, inside) in [
            (frame(b"cut off")[..5].to_vec(), "its payload"),
            (vec![0], "its two-byte length"),
        ] {
            let wire = [frame(b"whole"), cut].concat();
            let mut reader = FrameReader::new(feed(vec![(Duration::ZERO, wire)]));
            let first = reader.next_frame().await;
            assert!(
                matches!(&first, Ok(Some(p)) if p == b"whole"),
                "the first frame is whole: expected Ok(Some(\"whole\")), got {first:?}"
            );
            let second = timeout(Duration::from_secs(3600), reader.next_frame()).await;
            assert!(
                matches!(&second, Ok(Err(e)) if e.kind() == io::ErrorKind::UnexpectedEof),
                "the stream ended inside {inside} of the second frame: next_frame should \
                 return an error of kind UnexpectedEof (the frame is truncated), got {second:?}. \
                 Ok(None) is only for a stream that ends between frames."
            );
        }
    });
}
