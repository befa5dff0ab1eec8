//! Reading length-prefixed frames from a byte stream, in a way that
//! survives being a branch of a `select!` loop.

use std::io;

use tokio::io::{AsyncRead, AsyncReadExt};

// ANCHOR: contract
/// Reads frames from a byte stream. A frame is a length `n` as two bytes,
/// big-endian (`u16::from_be_bytes`), then `n` bytes of payload; frames
/// follow each other with nothing in between.
pub struct FrameReader<R> {
    reader: R,
    // TODO: what must outlive one call of `next_frame`?
}

impl<R: AsyncRead + Unpin> FrameReader<R> {
    /// A reader of the frames in `reader`.
    pub fn new(reader: R) -> Self {
        // TODO
        FrameReader { reader }
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
        // TODO: this is right when it runs to the end, and wrong when it
        // is dropped at one of its `.await`s.
        let mut length = [0; 2];
        if let Err(error) = self.reader.read_exact(&mut length).await {
            return match error.kind() {
                io::ErrorKind::UnexpectedEof => Ok(None),
                _ => Err(error),
            };
        }
        let mut payload = vec![0; usize::from(u16::from_be_bytes(length))];
        self.reader.read_exact(&mut payload).await?;
        Ok(Some(payload))
    }
}
// ANCHOR_END: contract
