//! How much memory the server holds while a client sends one endless line.
//! A test binary of its own: the allocator below counts every allocation of
//! the process, so no other test may run beside this one.

use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicUsize, Ordering::Relaxed};
use std::time::Duration;

use line_protocol::{MAX_LINE, serve};
use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
use tokio::net::TcpStream;
use workbook_support::net::{REPLY_WAIT, bind, on_tokio};

/// Counts the bytes allocated and not yet freed, and the most there were.
struct Counting;

static LIVE: AtomicUsize = AtomicUsize::new(0);
static PEAK: AtomicUsize = AtomicUsize::new(0);

unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        // SAFETY: the caller upholds `GlobalAlloc::alloc`'s contract, which
        // is passed on unchanged to the system allocator.
        let pointer = unsafe { System.alloc(layout) };
        if !pointer.is_null() {
            let live = LIVE.fetch_add(layout.size(), Relaxed) + layout.size();
            PEAK.fetch_max(live, Relaxed);
        }
        pointer
    }

    unsafe fn dealloc(&self, pointer: *mut u8, layout: Layout) {
        LIVE.fetch_sub(layout.size(), Relaxed);
        // SAFETY: `pointer` was allocated by `alloc` above, with `layout`.
        unsafe { System.dealloc(pointer, layout) }
    }
}

#[global_allocator]
static ALLOCATOR: Counting = Counting;

#[test]
fn an_endless_line_does_not_fill_the_servers_memory() {
    on_tokio(Duration::from_secs(20), || async {
        let (listener, addr) = bind().await;
        tokio::spawn(serve(listener));
        let stream = TcpStream::connect(addr)
            .await
            .expect("connect to the server");
        let (read, mut write) = stream.into_split();
        let reading = tokio::spawn(async move {
            let mut reader = BufReader::new(read);
            let mut line = String::new();
            let _ = reader.read_line(&mut line).await;
            line
        });
        let chunk = vec![b'v'; 64 * 1024];
        let total = 32 * 1024 * 1024;
        // Everything the test itself holds is allocated by now.
        let before = LIVE.load(Relaxed);
        PEAK.store(before, Relaxed);
        let mut sent = 0;
        while sent < total {
            if write.write_all(&chunk).await.is_err() {
                break;
            }
            sent += chunk.len();
            tokio::task::yield_now().await;
        }
        let grew = PEAK.load(Relaxed).saturating_sub(before);
        let bound = 2 * 1024 * 1024;
        assert!(
            grew < bound,
            "while a client sent {} MiB of one line with no newline, the process's memory \
             grew by {} KiB (more than {} KiB). The server keeps the line it reads: \
             answering `ERR` is not enough, it must also skip the rest of the line without \
             keeping it, holding at most about MAX_LINE = {MAX_LINE} bytes.",
            sent >> 20,
            grew >> 10,
            bound >> 10
        );
        let _ = write.write_all(b"\n").await;
        let reply = tokio::time::timeout(REPLY_WAIT, reading).await;
        assert!(
            matches!(&reply, Ok(Ok(line)) if line.starts_with("ERR ")),
            "the reply to a line longer than MAX_LINE must start with `ERR `, got {reply:?}"
        );
    });
}
