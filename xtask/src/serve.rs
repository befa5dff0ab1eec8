//! `cargo xtask serve`: builds the book, serves it on 127.0.0.1, and
//! rebuilds it when the book or an exercise file it includes changes.
//! Open pages reload themselves after a rebuild (see `book/reload.js`).

use std::fs;
use std::path::{Component, Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::mpsc::{self, Receiver};
use std::thread;
use std::time::{Duration, Instant};

use anyhow::{Context, Result, anyhow};
use notify::{RecursiveMode, Watcher};

use crate::book;
use crate::workbook::Workbook;

/// The URL a served page polls to learn that the book was rebuilt.
const VERSION_URL: &str = "/__workbook/version";

pub fn run(workbook: &Workbook, port: u16) -> Result<()> {
    start(workbook, port, true)?;
    println!("Serving the book at http://127.0.0.1:{port}/  (Ctrl-C to stop)");
    loop {
        std::thread::park();
    }
}

/// Builds the book, then serves and rebuilds it on background threads.
/// With `report` off, rebuilds are silent (the watch view owns the terminal).
pub fn start(workbook: &Workbook, port: u16, report: bool) -> Result<()> {
    let html = rebuild(&workbook.root, true).context("build the book")?;
    let generation = Arc::new(AtomicU64::new(1));
    let server = tiny_http::Server::http(("127.0.0.1", port)).map_err(|e| {
        anyhow!(
            "listen on 127.0.0.1:{port}: {e} (is another `serve` or `start` running? try --port)"
        )
    })?;
    spawn_rebuilder(workbook, generation.clone(), report)?;
    thread::spawn(move || {
        for request in server.incoming_requests() {
            let response = respond(&html, request.url(), &generation);
            let _ = request.respond(response);
        }
    });
    Ok(())
}

/// Reloads the exercise metadata (it may have changed too) and builds.
fn rebuild(root: &Path, report: bool) -> Result<PathBuf> {
    let workbook = Workbook::load(root)?;
    let built = book::build(&workbook, None)?;
    if report {
        for warning in &built.warnings {
            eprintln!("warning: {warning}");
        }
    }
    Ok(built.html)
}

fn spawn_rebuilder(workbook: &Workbook, generation: Arc<AtomicU64>, report: bool) -> Result<()> {
    let (tx, rx) = mpsc::channel();
    let mut watcher = notify::recommended_watcher(tx)?;
    watcher.watch(&workbook.book_dir(), RecursiveMode::Recursive)?;
    watcher.watch(&workbook.root.join("exercises"), RecursiveMode::Recursive)?;
    let root = workbook.root.clone();
    let output = workbook.book_dir().join("book");
    thread::spawn(move || {
        let _watcher = watcher; // dropping it would stop the events
        while wait_for_change(&rx, &output) {
            let started = Instant::now();
            match rebuild(&root, report) {
                Ok(_) => {
                    generation.fetch_add(1, Ordering::SeqCst);
                    if report {
                        println!("rebuilt the book in {} ms", started.elapsed().as_millis());
                    }
                }
                Err(e) if report => eprintln!("error: rebuilding the book: {e:#}"),
                Err(_) => {}
            }
        }
    });
    Ok(())
}

/// Blocks until a relevant file changed, then lets a burst of events (an
/// editor saving several files) settle. Returns false when watching ended.
fn wait_for_change(rx: &Receiver<notify::Result<notify::Event>>, output: &Path) -> bool {
    // Reads (building the book opens every page) are not changes.
    let relevant = |event: &notify::Result<notify::Event>| match event {
        Ok(event) if event.kind.is_access() => false,
        Ok(event) => event
            .paths
            .iter()
            .any(|p| !p.starts_with(output) && !p.components().any(|c| c.as_os_str() == "target")),
        Err(_) => false,
    };
    loop {
        match rx.recv() {
            Ok(event) if relevant(&event) => break,
            Ok(_) => continue,
            Err(_) => return false,
        }
    }
    while rx.recv_timeout(Duration::from_millis(150)).is_ok() {}
    true
}

fn respond(
    html: &Path,
    url: &str,
    generation: &AtomicU64,
) -> tiny_http::Response<std::io::Cursor<Vec<u8>>> {
    let path = url.split(['?', '#']).next().unwrap_or("/");
    if path == VERSION_URL {
        let body = generation.load(Ordering::SeqCst).to_string();
        return with_type(tiny_http::Response::from_string(body), "text/plain");
    }
    match resolve(html, path).and_then(|file| Some((fs::read(&file).ok()?, file))) {
        Some((bytes, file)) => {
            with_type(tiny_http::Response::from_data(bytes), content_type(&file))
        }
        None => {
            let page = fs::read(html.join("404.html")).unwrap_or_else(|_| b"not found".to_vec());
            with_type(tiny_http::Response::from_data(page), "text/html").with_status_code(404)
        }
    }
}

/// Maps a URL path to a file inside `html`, refusing anything outside it.
fn resolve(html: &Path, url_path: &str) -> Option<PathBuf> {
    let decoded = percent_decode(url_path)?;
    let relative = Path::new(decoded.trim_start_matches('/'));
    if relative
        .components()
        .any(|c| !matches!(c, Component::Normal(_)))
    {
        return None;
    }
    let file = html.join(relative);
    if file.is_dir() {
        Some(file.join("index.html"))
    } else {
        Some(file)
    }
}

fn percent_decode(s: &str) -> Option<String> {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hex = std::str::from_utf8(bytes.get(i + 1..i + 3)?).ok()?;
            out.push(u8::from_str_radix(hex, 16).ok()?);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).ok()
}

fn content_type(file: &Path) -> &'static str {
    match file.extension().and_then(|e| e.to_str()) {
        Some("html") => "text/html; charset=utf-8",
        Some("css") => "text/css",
        Some("js") => "text/javascript",
        Some("svg") => "image/svg+xml",
        Some("png") => "image/png",
        Some("json") => "application/json",
        Some("woff2") => "font/woff2",
        Some("woff") => "font/woff",
        Some("ttf") => "font/ttf",
        _ => "application/octet-stream",
    }
}

fn with_type<R: std::io::Read>(
    response: tiny_http::Response<R>,
    mime: &str,
) -> tiny_http::Response<R> {
    let header = tiny_http::Header::from_bytes("Content-Type", mime).expect("valid header");
    response.with_header(header)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn resolves_files_and_directories_inside_the_book_only() {
        let html = Path::new("/book");
        assert_eq!(
            resolve(html, "/a%20b.html"),
            Some(PathBuf::from("/book/a b.html"))
        );
        assert_eq!(resolve(html, "/../etc/passwd"), None);
        assert_eq!(resolve(html, "/x/%2e%2e/%2e%2e/y"), None);
    }
}
