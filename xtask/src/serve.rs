//! `cargo xtask serve`: builds the book, serves it on 127.0.0.1, and
//! rebuilds it when the book or an exercise file it includes changes.
//! Pages it serves carry `<meta name="workbook-serve">`, so that
//! `book/theme/workbook.js` knows to reload them after a rebuild; and it
//! serves the exercise crates under `/exercises/`, where the exercise boxes'
//! relative links lead (see `book::ExerciseBoxes`).

use std::fs;
use std::hash::{DefaultHasher, Hash, Hasher};
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
    let exercises = workbook.root.join("exercises");
    thread::spawn(move || {
        for request in server.incoming_requests() {
            let response = respond(&html, &exercises, request.url(), &generation);
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
    let changes = BookInputs {
        output: workbook.book_dir().join("book"),
        edited: workbook
            .exercises
            .iter()
            .flat_map(|e| e.edits.iter().map(|f| root.join(e.dir()).join(f)))
            .collect(),
    };
    thread::spawn(move || {
        let _watcher = watcher; // dropping it would stop the events
        let mut last = fingerprint(&changes.output);
        while wait_for_change(&rx, &changes) {
            let started = Instant::now();
            match rebuild(&root, report) {
                Ok(html) => {
                    // Open pages reload only when a page really changed: a
                    // reload closes the hints a reader has opened.
                    let now = fingerprint(&html);
                    if now != last {
                        generation.fetch_add(1, Ordering::SeqCst);
                        last = now;
                    }
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

/// Which changed files can change the book.
struct BookInputs {
    /// The built book.
    output: PathBuf,
    /// The learner-edited files: pages show them as committed, so a
    /// learner's save (the watch view runs the tests then) needs no rebuild.
    edited: Vec<PathBuf>,
}

impl BookInputs {
    fn affects_book(&self, path: &Path) -> bool {
        let name = path.file_name().unwrap_or_default().to_string_lossy();
        // Editors' backup, swap and probe files.
        let scratch = name.ends_with('~') || name.ends_with(".swp") || name == "4913";
        !scratch
            && !path.starts_with(&self.output)
            && !path.components().any(|c| c.as_os_str() == "target")
            && !self.edited.iter().any(|e| e == path)
    }
}

/// Blocks until a relevant file changed, then lets a burst of events (an
/// editor saving several files) settle. Returns false when watching ended.
fn wait_for_change(rx: &Receiver<notify::Result<notify::Event>>, inputs: &BookInputs) -> bool {
    // Reads (building the book opens every page) are not changes.
    let relevant = |event: &notify::Result<notify::Event>| match event {
        Ok(event) if event.kind.is_access() => false,
        Ok(event) => event.paths.iter().any(|p| inputs.affects_book(p)),
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

/// A hash of every file of the built book, names and contents.
fn fingerprint(html: &Path) -> u64 {
    let mut hasher = DefaultHasher::new();
    for file in crate::verify::scratch::files_under(html).unwrap_or_default() {
        file.hash(&mut hasher);
        fs::read(&file).unwrap_or_default().hash(&mut hasher);
    }
    hasher.finish()
}

/// The mark that tells a page's script it is served by us.
const SERVED_MARK: &str = "<meta name=\"workbook-serve\" content=\"1\">";

fn respond(
    html: &Path,
    exercises: &Path,
    url: &str,
    generation: &AtomicU64,
) -> tiny_http::Response<std::io::Cursor<Vec<u8>>> {
    let path = url.split(['?', '#']).next().unwrap_or("/");
    if path == VERSION_URL {
        let body = generation.load(Ordering::SeqCst).to_string();
        return with_type(tiny_http::Response::from_string(body), "text/plain");
    }
    if let Some(response) = path
        .strip_prefix("/exercises/")
        .and_then(|rest| exercise_file(exercises, rest))
    {
        return response;
    }
    match resolve(html, path).and_then(|file| Some((fs::read(&file).ok()?, file))) {
        Some((bytes, file)) if content_type(&file).starts_with("text/html") => {
            let page = mark_served(&String::from_utf8_lossy(&bytes));
            with_type(tiny_http::Response::from_string(page), content_type(&file))
        }
        Some((bytes, file)) => {
            with_type(tiny_http::Response::from_data(bytes), content_type(&file))
        }
        None => {
            let page = fs::read_to_string(html.join("404.html"))
                .map(|page| mark_served(&base_at_root(&page)))
                .unwrap_or_else(|_| "not found".to_owned());
            with_type(
                tiny_http::Response::from_string(page),
                "text/html; charset=utf-8",
            )
            .with_status_code(404)
        }
    }
}

fn mark_served(page: &str) -> String {
    page.replacen("</head>", &format!("{SERVED_MARK}\n</head>"), 1)
}

/// The not-found page resolves its links against `<base href>`: `book.toml`'s
/// `site-url` is where a static host publishes the book, but here the book
/// is at the root.
fn base_at_root(page: &str) -> String {
    let base = regex::Regex::new(r#"<base href="[^"]*">"#).expect("valid regex");
    base.replace(page, r#"<base href="/">"#).into_owned()
}

/// A file of an exercise crate as text, or a folder as a listing followed
/// by its README: where the exercise boxes' "Crate" links lead.
fn exercise_file(
    exercises: &Path,
    url_path: &str,
) -> Option<tiny_http::Response<std::io::Cursor<Vec<u8>>>> {
    let path = inside(exercises, url_path)?;
    if path.is_dir() {
        let page = folder_page(exercises, &path);
        return Some(with_type(
            tiny_http::Response::from_string(page),
            "text/html; charset=utf-8",
        ));
    }
    let bytes = fs::read(&path).ok()?;
    Some(match String::from_utf8(bytes) {
        Ok(text) => with_type(
            tiny_http::Response::from_string(text),
            "text/plain; charset=utf-8",
        ),
        Err(bytes) => with_type(
            tiny_http::Response::from_data(bytes.into_bytes()),
            "application/octet-stream",
        ),
    })
}

/// The listing of a folder inside `exercises`, then its README.md.
fn folder_page(exercises: &Path, dir: &Path) -> String {
    let relative = dir.strip_prefix(exercises).unwrap_or(Path::new(""));
    // Absolute, so they work with or without a final `/` in the URL.
    let folder_url = |folder: &Path| {
        let mut url = String::from("/exercises/");
        for part in folder.components() {
            let part = part.as_os_str().to_string_lossy();
            url.push_str(&part.replace('%', "%25").replace(' ', "%20"));
            url.push('/');
        }
        url
    };
    let url = |name: &str| folder_url(relative) + &name.replace('%', "%25").replace(' ', "%20");
    let mut entries: Vec<(bool, String)> = fs::read_dir(dir)
        .into_iter()
        .flatten()
        .flatten()
        .map(|entry| {
            (
                !entry.path().is_dir(),
                entry.file_name().to_string_lossy().into_owned(),
            )
        })
        .filter(|(_, name)| name != "target")
        .collect();
    entries.sort();
    let title = format!("exercises/{}", url("").trim_start_matches("/exercises/"));
    let mut page = format!(
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
         <title>{title}</title><style>body {{ font-family: sans-serif; max-width: 50em; \
         margin: 1em auto; padding: 0 1em; }} pre {{ white-space: pre-wrap; }}</style>\
         </head><body>\n<h1><code>{title}</code></h1>\n<ul>\n",
        title = escape(&title)
    );
    if let Some(parent) = relative.parent() {
        page.push_str(&format!(
            "<li><a href=\"{}\">../</a></li>\n",
            escape(&folder_url(parent))
        ));
    }
    for (is_file, name) in &entries {
        let slash = if *is_file { "" } else { "/" };
        page.push_str(&format!(
            "<li><a href=\"{}{slash}\">{}{slash}</a></li>\n",
            escape(&url(name)),
            escape(name)
        ));
    }
    page.push_str("</ul>\n");
    if let Ok(readme) = fs::read_to_string(dir.join("README.md")) {
        page.push_str(&format!(
            "<h2>README.md</h2>\n<pre>{}</pre>\n",
            escape(&readme)
        ));
    }
    page + "</body></html>\n"
}

fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// Maps a URL path to a file inside `html`, refusing anything outside it; a
/// folder means its index.html.
fn resolve(html: &Path, url_path: &str) -> Option<PathBuf> {
    let file = inside(html, url_path)?;
    if file.is_dir() {
        Some(file.join("index.html"))
    } else {
        Some(file)
    }
}

/// Maps a URL path to a path inside `base`, refusing anything outside it.
fn inside(base: &Path, url_path: &str) -> Option<PathBuf> {
    let decoded = percent_decode(url_path)?;
    let relative = Path::new(decoded.trim_start_matches('/'));
    if relative
        .components()
        .any(|c| !matches!(c, Component::Normal(_)))
    {
        return None;
    }
    Some(base.join(relative))
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
    fn a_learners_save_does_not_rebuild_the_book() {
        let inputs = BookInputs {
            output: PathBuf::from("/w/book/book"),
            edited: vec![PathBuf::from("/w/exercises/01-a/01-b/src/lib.rs")],
        };
        assert!(!inputs.affects_book(Path::new("/w/exercises/01-a/01-b/src/lib.rs")));
        assert!(!inputs.affects_book(Path::new("/w/exercises/01-a/01-b/src/lib.rs~")));
        assert!(!inputs.affects_book(Path::new("/w/book/book/index.html")));
        assert!(!inputs.affects_book(Path::new("/w/exercises/target/x")));
        assert!(inputs.affects_book(Path::new("/w/book/src/01-a/01-b.md")));
        assert!(inputs.affects_book(Path::new("/w/exercises/01-a/01-b/tests/ui/case.stderr")));
    }

    #[test]
    fn marks_pages_as_served_and_puts_the_not_found_page_at_the_root() {
        let page = "<html><head><base href=\"/course/\">\n</head><body></body></html>";
        let served = mark_served(&base_at_root(page));
        assert!(served.contains("<base href=\"/\">"), "{served}");
        assert!(
            served.contains(&format!("{SERVED_MARK}\n</head>")),
            "{served}"
        );
    }

    #[test]
    fn serves_exercise_folders_and_files_inside_the_exercises_only() {
        let dir = tempfile::tempdir().expect("temp dir");
        let crate_dir = dir.path().join("01-a/01-b");
        fs::create_dir_all(crate_dir.join("src")).expect("create dirs");
        fs::write(crate_dir.join("README.md"), "# B <task>").expect("write");
        fs::write(crate_dir.join("src/lib.rs"), "// TODO").expect("write");
        let listing = folder_page(dir.path(), &crate_dir);
        assert!(
            listing.contains("<a href=\"/exercises/01-a/01-b/src/\">src/</a>"),
            "{listing}"
        );
        assert!(listing.contains("# B &lt;task&gt;"), "{listing}");
        assert!(exercise_file(dir.path(), "01-a/01-b/src/lib.rs").is_some());
        assert!(exercise_file(dir.path(), "01-a/01-b/missing.rs").is_none());
        assert!(exercise_file(dir.path(), "01-a/../../etc/passwd").is_none());
    }

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
