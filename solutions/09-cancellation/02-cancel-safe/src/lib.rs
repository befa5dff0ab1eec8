//! Reading length-prefixed frames from a byte stream, in a way that
//! survives being a branch of a `select!` loop.
//!
//! Why this works: a future dropped at an `.await` loses its locals, so
//! nothing the reader needs later may live only in the future. Every byte
//! read goes straight into `buffer`, a field of the `FrameReader`, and the
//! only `.await` is `read_buf`, which tokio documents as cancel-safe: if
//! it is dropped, it has read nothing. Dropping `next_frame` anywhere
//! therefore loses nothing, and the next call finds the half frame in the
//! buffer and carries on. A frame is taken out of the buffer only when it
//! is whole, in code with no `.await`, so it cannot be cut in two either.
//! Bytes past the frame stay in the buffer for the next call, and each call
//! looks in the buffer before it reads, so a frame that is already whole
//! comes out at once, without waiting for bytes that may never come. A read
//! of zero bytes is the end of the stream, clean only with an empty buffer;
//! any other error is passed on by `?`.

use std::io;

use tokio::io::{AsyncRead, AsyncReadExt};

/// Reads frames from a byte stream. A frame is a length `n` as two bytes,
/// big-endian (`u16::from_be_bytes`), then `n` bytes of payload; frames
/// follow each other with nothing in between.
pub struct FrameReader<R> {
    reader: R,
    /// Bytes read from `reader` and not yet returned in a frame.
    buffer: Vec<u8>,
}

impl<R: AsyncRead + Unpin> FrameReader<R> {
    /// A reader of the frames in `reader`.
    pub fn new(reader: R) -> Self {
        FrameReader {
            reader,
            buffer: Vec::new(),
        }
    }

    /// The payload of the next frame.
    ///
    /// - `Ok(Some(payload))` for each frame, in order, however the bytes
    ///   are split into reads (a frame in many pieces, many frames in one).
    /// - A frame is returned as soon as all its bytes have arrived, without
    ///   waiting for more bytes or for the end of the stream.
    /// - `Ok(None)` once the stream ends between two frames.
    /// - An error of kind `io::ErrorKind::UnexpectedEof` if the stream
    ///   ends inside a frame (inside its length or its payload).
    /// - Any other I/O error of the stream is returned as it is.
    /// - **Cancel-safe**: if the future is dropped before it completes
    ///   (another `select!` branch won, a timeout passed), no byte is lost:
    ///   the next call carries on with the same frame.
    pub async fn next_frame(&mut self) -> io::Result<Option<Vec<u8>>> {
        loop {
            if let Some(payload) = self.take_frame() {
                return Ok(Some(payload));
            }
            // The only `.await`: cancel-safe, and it appends to `buffer`,
            // which outlives this future.
            if self.reader.read_buf(&mut self.buffer).await? == 0 {
                return if self.buffer.is_empty() {
                    Ok(None)
                } else {
                    Err(io::ErrorKind::UnexpectedEof.into())
                };
            }
        }
    }

    /// Takes the first frame out of the buffer, if it is all there.
    fn take_frame(&mut self) -> Option<Vec<u8>> {
        let length = self.buffer.get(..2)?;
        let end = 2 + usize::from(u16::from_be_bytes([length[0], length[1]]));
        if self.buffer.len() < end {
            return None;
        }
        let payload = self.buffer[2..end].to_vec();
        self.buffer.drain(..end);
        Some(payload)
    }
}
