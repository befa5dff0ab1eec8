//! The book as a reader's browser shows it: verify opens every page of the
//! built book from its folder (`file://`, as a reader of the checkout does)
//! in headless Chromium (one browser for all pages, driven through the
//! DevTools protocol over a pipe) and checks what only a browser can see:
//! console errors, diagrams that render, links and anchors that resolve,
//! search that works offline, a quiz that marks answers, exercise boxes
//! that link their crate, and no request leaving the machine.
//!
//! Chromium comes from the system (Debian's `chromium` package; `.ci/run`
//! installs it). Without it these checks fail and say how to install it,
//! unless verify runs with `--no-browser`, which counts them as skipped.

mod cdp;

use std::collections::{BTreeMap, HashMap, HashSet};
use std::fs;
use std::path::{Path, PathBuf};
use std::time::Duration;

use anyhow::{Context, Result};
use serde::Deserialize;
use serde_json::Value;

use self::cdp::Chromium;
use super::report::{Report, none_or};
use crate::workbook::Exercise;

/// The checks, in the order they are reported.
const LABELS: [&str; 7] = [
    "browser: every page loads without console errors",
    "browser: every diagram renders",
    "browser: every internal link and anchor resolves",
    "browser: search finds a late chapter's term offline",
    "browser: a quiz rejects a wrong answer and accepts the right one",
    "browser: each exercise box links its page's crate",
    "browser: no request leaves the machine",
];

/// How many checks [`check`] reports.
pub const CHECKS: usize = LABELS.len();

const INSTALL: &str = "Chromium was not found (looked for `chromium`, `chromium-browser`, \
    `google-chrome` in PATH, or WORKBOOK_CHROMIUM). Install it, for example \
    `sudo apt-get install chromium` on Debian or Ubuntu (.ci/run does this), \
    or run `cargo xtask verify --no-browser` to skip the browser checks.";

/// How long search results and quiz marks may take to appear.
const UI_LIMIT: Duration = Duration::from_secs(10);

/// What the browser checks look at.
pub struct Book<'a> {
    /// The built book (its `index.html` is here).
    pub html: &'a Path,
    /// The workbook the book was built from: its quiz files in `book/src/`
    /// hold the right answers.
    pub root: &'a Path,
    pub exercises: &'a [Exercise],
    /// Where the browser's own output is written.
    pub logs: &'a Path,
    /// Where to save screenshots of the quiz answered wrong then right
    /// (`WORKBOOK_SCREENSHOTS`), if anywhere.
    pub screenshots: Option<PathBuf>,
}

/// Runs the browser checks and reports each one; `skip` (`--no-browser`)
/// reports them as skipped.
pub fn check(report: &mut Report, book: &Book, skip: bool) {
    if skip {
        for label in LABELS {
            report.skip(label, "--no-browser was given");
        }
        return;
    }
    let Some(binary) = cdp::find() else {
        for label in LABELS {
            report.check(label, || Err(INSTALL.to_owned()));
        }
        return;
    };
    println!("      (opening the book in headless {})", binary.display());
    let findings = match explore(&binary, book) {
        Ok(findings) => findings,
        Err(error) => {
            let why = format!("{error:#}");
            for label in LABELS {
                report.check(label, || Err(why.clone()));
            }
            return;
        }
    };
    let [console, diagrams, links, search, quiz, boxes, network] = LABELS;
    report.check(console, || findings.console_errors());
    report.check(diagrams, || findings.diagrams());
    report.check(links, || findings.links());
    report.check(search, || findings.search.clone());
    match &findings.quiz {
        Some(outcome) => report.check(quiz, || outcome.clone()),
        None => report.skip(quiz, "no quiz in the book"),
    }
    report.check(boxes, || findings.boxes(book));
    report.check(network, || findings.network());
}

/// What one page showed.
#[derive(Debug, Default, Deserialize)]
struct Page {
    /// The URL path, `/01-futures/02-countdown.html`.
    #[serde(skip)]
    path: String,
    #[serde(skip)]
    console: Vec<String>,
    images: Vec<Image>,
    ids: Vec<String>,
    links: Vec<Link>,
    /// Each exercise box's crate link (absolute), `None` for a box without one.
    boxes: Vec<Option<String>>,
    /// The text of the page's main part.
    text: String,
    has_quiz: bool,
    /// The page sets `<base href>` (the not-found page, so that it works at
    /// any depth): its `#fragment` links resolve against the base.
    has_base: bool,
}

#[derive(Debug, Deserialize)]
struct Image {
    src: String,
    complete: bool,
    natural_width: f64,
    natural_height: f64,
    width: f64,
    height: f64,
    /// Inside a closed `<details>` (a hint): it has no size on screen.
    folded: bool,
}

#[derive(Debug, Deserialize)]
struct Link {
    /// As written in the page.
    href: String,
    /// As the browser resolved it.
    url: String,
}

/// Collects what a page shows, once it has loaded.
const COLLECT: &str = r#"(async () => {
  await new Promise((done) => requestAnimationFrame(() => setTimeout(done, 30)));
  const svg = /\.svg([?#].*)?$/i;
  const images = Array.from(document.querySelectorAll("img"))
    .filter((i) => i.classList.contains("diagram") || svg.test(i.getAttribute("src") || ""))
    .map((i) => {
      const r = i.getBoundingClientRect();
      return { src: i.getAttribute("src") || "", complete: i.complete,
               natural_width: i.naturalWidth, natural_height: i.naturalHeight,
               width: r.width, height: r.height,
               folded: i.closest("details:not([open])") !== null };
    });
  const ids = Array.from(document.querySelectorAll("[id]"), (e) => e.id)
    .concat(Array.from(document.querySelectorAll("a[name]"), (a) => a.name));
  const links = Array.from(document.querySelectorAll("a[href]"),
    (a) => ({ href: a.getAttribute("href"), url: a.href }));
  const boxes = Array.from(document.querySelectorAll(".exercise-box"), (b) => {
    const a = b.querySelector("a.exercise-crate");
    return a ? a.href : null;
  });
  const main = document.querySelector("main") || document.body;
  return { images, ids, links, boxes, text: main.innerText,
           has_quiz: document.querySelector(".quiz[data-key]") !== null,
           has_base: document.querySelector("base[href]") !== null };
})()"#;

struct Findings {
    /// The book's folder, and as a `file://` URL (without a final slash).
    html: PathBuf,
    origin: String,
    pages: Vec<Page>,
    search: Result<String, String>,
    /// `None` when the book has no quiz.
    quiz: Option<Result<String, String>>,
    /// Every URL the browser requested, with the page it was on.
    requests: Vec<(String, String)>,
}

/// Opens every page, then searches and answers a quiz, recording what the
/// checks need.
fn explore(binary: &Path, book: &Book) -> Result<Findings> {
    if !book.html.join("index.html").is_file() {
        anyhow::bail!(
            "the book was not built: {} is missing",
            book.html.join("index.html").display()
        );
    }
    let html = book
        .html
        .canonicalize()
        .with_context(|| format!("find {}", book.html.display()))?;
    let origin = file_url(&html);
    let mut browser = Chromium::launch(binary, &book.logs.join("chromium.log"))?;
    let mut requests = Vec::new();
    let mut pages = Vec::new();
    for path in html_pages(book.html)? {
        let mut page = visit(&mut browser, &format!("{origin}{path}"))
            .with_context(|| format!("open {path}"))?;
        let events = browser.take_events();
        page.path = path;
        page.console = console_errors(&events);
        requests.extend(requested(&events).map(|url| (url, page.path.clone())));
        pages.push(page);
    }
    let search = search(&mut browser, &origin, &pages);
    let events = browser.take_events();
    requests.extend(requested(&events).map(|url| (url, "(search)".to_owned())));
    let errors = console_errors(&events);
    let search = match (search, errors.is_empty()) {
        (Ok(found), true) => Ok(found),
        (found, _) => {
            let mut why = found.err().map(|e| format!("{e:#}\n")).unwrap_or_default();
            if !errors.is_empty() {
                why.push_str(&format!(
                    "console errors while searching:\n{}",
                    errors.join("\n")
                ));
            }
            Err(why.trim_end().to_owned())
        }
    };
    let quiz = pages.iter().find(|p| p.has_quiz).map(|page| {
        let outcome = answer_quiz(&mut browser, &origin, page, book).map_err(|e| format!("{e:#}"));
        let events = browser.take_events();
        requests.extend(requested(&events).map(|url| (url, page.path.clone())));
        outcome
    });
    Ok(Findings {
        html,
        origin,
        pages,
        search,
        quiz,
        requests,
    })
}

/// The not-found page is for web servers only: its `<base href="/">`
/// points at the server's root, which a folder does not have.
const NOT_FOUND_PAGE: &str = "404.html";

/// Every HTML file of the book as a URL path, in a stable order.
fn html_pages(html: &Path) -> Result<Vec<String>> {
    let mut pages: Vec<String> = super::scratch::files_under(html)?
        .into_iter()
        .filter(|f| f.extension().is_some_and(|e| e == "html"))
        .filter(|f| *f != html.join(NOT_FOUND_PAGE))
        .filter_map(|f| {
            let relative = f
                .strip_prefix(html)
                .ok()?
                .to_string_lossy()
                .replace('\\', "/");
            Some(format!("/{relative}"))
        })
        .collect();
    pages.sort();
    Ok(pages)
}

fn visit(browser: &mut Chromium, url: &str) -> Result<Page> {
    browser.navigate(url)?;
    let value = browser.eval(COLLECT)?;
    serde_json::from_value(value).context("read what the page shows")
}

/// The errors a page reported: uncaught exceptions, `console.error`, and
/// the browser's own errors (a resource that failed to load).
fn console_errors(events: &[Value]) -> Vec<String> {
    let mut errors = Vec::new();
    for event in events {
        let params = &event["params"];
        let error = match event["method"].as_str() {
            Some("Runtime.exceptionThrown") => {
                let details = &params["exceptionDetails"];
                let text = details["exception"]["description"]
                    .as_str()
                    .or(details["text"].as_str())
                    .unwrap_or("an exception");
                Some(format!(
                    "uncaught {} ({}:{})",
                    text.lines().next().unwrap_or_default(),
                    details["url"].as_str().unwrap_or("?"),
                    details["lineNumber"].as_i64().map_or(0, |l| l + 1)
                ))
            }
            Some("Runtime.consoleAPICalled")
                if matches!(params["type"].as_str(), Some("error" | "assert")) =>
            {
                let args: Vec<String> = params["args"]
                    .as_array()
                    .into_iter()
                    .flatten()
                    .map(|arg| match &arg["value"] {
                        Value::String(s) => s.clone(),
                        Value::Null => arg["description"].as_str().unwrap_or("?").to_owned(),
                        other => other.to_string(),
                    })
                    .collect();
                Some(format!("console.error: {}", args.join(" ")))
            }
            // The browser's own guess at a site icon, which no page asks for
            // (every page names its icons).
            Some("Log.entryAdded")
                if params["entry"]["url"]
                    .as_str()
                    .is_some_and(|url| url.ends_with("/favicon.ico")) =>
            {
                None
            }
            Some("Log.entryAdded") if params["entry"]["level"] == "error" => {
                let entry = &params["entry"];
                Some(format!(
                    "{} ({})",
                    entry["text"].as_str().unwrap_or("?"),
                    entry["url"].as_str().unwrap_or("?")
                ))
            }
            _ => None,
        };
        errors.extend(error);
    }
    errors.dedup();
    errors
}

/// The URLs of the requests among `events`.
fn requested(events: &[Value]) -> impl Iterator<Item = String> + '_ {
    events
        .iter()
        .filter_map(|event| match event["method"].as_str() {
            Some("Network.requestWillBeSent") => event["params"]["request"]["url"]
                .as_str()
                .map(str::to_owned),
            Some("Network.webSocketCreated") => event["params"]["url"].as_str().map(str::to_owned),
            _ => None,
        })
}

/// Whether a request to `url` would leave this machine.
fn leaves_the_machine(url: &str) -> bool {
    let Some((scheme, rest)) = url.split_once(':') else {
        return true;
    };
    match scheme.to_ascii_lowercase().as_str() {
        "data" | "blob" | "about" | "file" => false,
        "http" | "https" | "ws" | "wss" => {
            let authority = rest
                .trim_start_matches("//")
                .split(['/', '?', '#'])
                .next()
                .unwrap_or_default();
            let host = authority.rsplit('@').next().unwrap_or_default();
            let host = match host.strip_prefix('[') {
                Some(v6) => v6.split(']').next().unwrap_or_default(),
                None => host.split(':').next().unwrap_or_default(),
            };
            !matches!(
                host.to_ascii_lowercase().as_str(),
                "127.0.0.1" | "localhost" | "::1"
            )
        }
        _ => true,
    }
}

/// The chapter folder with the highest number, and a word on its pages
/// that the fewest other pages use: what a reader would search for.
fn late_term(pages: &[Page]) -> Option<(String, String)> {
    let chapter_of = |page: &Page| -> Option<String> {
        let folder = page.path.trim_start_matches('/').split_once('/')?.0;
        folder
            .split_once('-')
            .filter(|(n, _)| n.chars().all(|c| c.is_ascii_digit()))
            .map(|_| folder.to_owned())
    };
    let chapter = pages.iter().filter_map(chapter_of).max()?;
    let words = |text: &str| -> HashSet<String> {
        text.split(|c: char| !c.is_ascii_alphabetic())
            .filter(|w| w.len() >= 7)
            .map(str::to_ascii_lowercase)
            .collect()
    };
    let mut in_chapter: BTreeMap<String, usize> = BTreeMap::new();
    let mut elsewhere: HashMap<String, usize> = HashMap::new();
    for page in pages.iter().filter(|p| p.path != "/print.html") {
        let mine = chapter_of(page).as_deref() == Some(chapter.as_str());
        for word in words(&page.text) {
            if mine {
                *in_chapter.entry(word).or_default() += 1;
            } else {
                *elsewhere.entry(word).or_default() += 1;
            }
        }
    }
    let (word, _) = in_chapter.iter().min_by_key(|(word, pages_here)| {
        (
            elsewhere.get(*word).copied().unwrap_or(0),
            usize::MAX - **pages_here,
        )
    })?;
    Some((chapter, word.clone()))
}

/// Opens the search box on the first page, types a term from the last
/// chapter key by key, and waits for a result on that chapter's pages.
fn search(browser: &mut Chromium, origin: &str, pages: &[Page]) -> Result<String> {
    let (chapter, term) = late_term(pages).context("no chapter page to take a search term from")?;
    browser.navigate(&format!("{origin}/index.html"))?;
    browser.click("#mdbook-search-toggle")?;
    browser.wait_for(
        "document.activeElement && document.activeElement.id === 'mdbook-searchbar'",
        UI_LIMIT,
        "the search box taking the keyboard focus",
    )?;
    browser.type_text(&term)?;
    let results = browser
        .wait_for(
            "(() => { const r = Array.from(document.querySelectorAll('#mdbook-searchresults a[href]'), \
             (a) => a.href.split('#')[0].split('?')[0]); return r.length ? r : null; })()",
            UI_LIMIT,
            &format!("search results for `{term}`"),
        )
        .with_context(|| format!("searching for `{term}`, a word of the {chapter} pages"))?;
    let found: Vec<&str> = results
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(Value::as_str)
        .map(|url| url.strip_prefix(origin).unwrap_or(url))
        .collect();
    match found
        .iter()
        .find(|p| p.starts_with(&format!("/{chapter}/")))
    {
        Some(hit) => Ok(format!("`{term}` finds {hit} ({} results)", found.len())),
        None => anyhow::bail!(
            "searching for `{term}` (a word of the {chapter} pages) found only: {}",
            found.join(", ")
        ),
    }
}

/// The quiz's answers as written in its source, not as the page encodes
/// them: a wrong key on the page must fail.
fn quiz_source(page: &Page, book: &Book) -> Result<crate::book::quiz::Quiz> {
    let markdown = Path::new("book/src")
        .join(page.path.trim_start_matches('/'))
        .with_extension("md");
    let text = fs::read_to_string(book.root.join(&markdown))
        .with_context(|| format!("read {}, the source of {}", markdown.display(), page.path))?;
    let directive = crate::book::quiz::directive();
    let file = directive
        .captures(&text)
        .with_context(|| format!("{} has no quiz directive", markdown.display()))?[1]
        .to_owned();
    let dir = book
        .root
        .join(&markdown)
        .parent()
        .map(Path::to_path_buf)
        .unwrap_or_default();
    crate::book::quiz::Quiz::load(&dir.join(file))
}

/// Answers the quiz's first single-answer question wrong, checks that the
/// page says so and explains the choice, then answers it right.
fn answer_quiz(browser: &mut Chromium, origin: &str, page: &Page, book: &Book) -> Result<String> {
    let quiz = quiz_source(page, book)?;
    let question = quiz
        .questions
        .iter()
        .find(|q| !q.multiple)
        .or(quiz.questions.first())
        .context("the quiz has no questions")?;
    let right: Vec<usize> = (0..question.options.len())
        .filter(|&i| question.options[i].correct)
        .collect();
    let wrong = (0..question.options.len())
        .find(|i| !right.contains(i))
        .context("the question has no wrong answer")?;
    browser.navigate(&format!("{origin}{}", page.path))?;
    browser.eval("localStorage.clear()")?;
    browser.navigate(&format!("{origin}{}", page.path))?;
    let section = browser
        .eval(&format!(
            "(() => {{ const s = document.querySelector('.quiz-question[data-question=\"{}\"]'); return s ? s.id : null; }})()",
            question.id
        ))?
        .as_str()
        .map(str::to_owned)
        .with_context(|| format!("no question `{}` on {}", question.id, page.path))?;
    // Chooses `choices`, presses Check and reads the verdict: `right` or
    // `wrong`, and the message under the question.
    let answer = |browser: &mut Chromium, choices: &[usize], expected: &str| -> Result<String> {
        for &i in choices {
            browser.click(&format!("#{section}-{}", i + 1))?;
        }
        browser.click(&format!("#{section}-check"))?;
        let marked = browser.wait_for(
            &format!(
                "(() => {{ const r = document.getElementById('{section}-result'); \
                 const o = r && r.dataset.outcome; \
                 return o === 'right' || o === 'wrong' \
                 ? [o, (r.querySelector('.quiz-message') || r).innerText.trim()] : null; }})()"
            ),
            UI_LIMIT,
            "the quiz marking the answer",
        )?;
        let verdict = marked[0].as_str().unwrap_or_default();
        let message = marked[1].as_str().unwrap_or_default().to_owned();
        let options: Vec<String> = choices.iter().map(|i| (i + 1).to_string()).collect();
        if verdict != expected {
            anyhow::bail!(
                "question `{}` on {}: option {} is {expected} in the quiz file, but the page \
                 marked it {verdict}: \"{message}\"",
                question.id,
                page.path,
                options.join(" and ")
            );
        }
        Ok(message)
    };

    let said = answer(browser, &[wrong], "wrong")?;
    let why = browser.wait_for(
        &format!(
            "(() => {{ const w = document.getElementById('{section}-{n}-why'); \
             const o = document.getElementById('{section}-{n}-option'); \
             return w && !w.hidden && w.offsetHeight > 0 && o.classList.contains('quiz-wrong') \
             ? w.innerText.trim() : null; }})()",
            n = wrong + 1
        ),
        UI_LIMIT,
        "the explanation under the wrong answer",
    )?;
    let source_why = &question.options[wrong].why;
    if !explains(why.as_str().unwrap_or_default(), source_why) {
        anyhow::bail!(
            "question `{}`: under the wrong answer the page says\n  {}\nbut the quiz file explains it as\n  {}",
            question.id,
            why.as_str().unwrap_or_default(),
            source_why
        );
    }
    if let Some(dir) = &book.screenshots {
        browser.eval(&format!(
            "document.getElementById('{section}').scrollIntoView(); window.scrollBy(0, -60)"
        ))?;
        browser.screenshot(&dir.join("quiz-wrong.png"))?;
    }
    browser.click(&format!("#{section}-result .quiz-retry"))?;
    answer(browser, &right, "right")?;
    if let Some(dir) = &book.screenshots {
        browser.eval(&format!(
            "document.getElementById('{section}').scrollIntoView(); window.scrollBy(0, -60)"
        ))?;
        browser.screenshot(&dir.join("quiz-right.png"))?;
    }
    let first_line = |v: &Value| {
        let text = v.as_str().unwrap_or_default();
        text.split_whitespace().collect::<Vec<_>>().join(" ")
    };
    Ok(format!(
        "{}, question `{}`: wrong answer → \"{}\" with \"{}\"; right answer accepted",
        page.path,
        question.id,
        said,
        first_line(&why).chars().take(70).collect::<String>()
    ))
}

/// Whether the page's text shows the explanation written (in markdown) in
/// the quiz file: its first words, in order.
fn explains(shown: &str, written: &str) -> bool {
    let words = |text: &str| -> Vec<String> {
        text.split(|c: char| !c.is_alphanumeric())
            .filter(|w| !w.is_empty())
            .map(str::to_lowercase)
            .collect()
    };
    let (shown, written) = (words(shown), words(written));
    let start = &written[..written.len().min(6)];
    !start.is_empty() && shown.windows(start.len()).any(|w| w == start)
}

impl Findings {
    fn console_errors(&self) -> Result<String, String> {
        let problems: Vec<String> = self
            .pages
            .iter()
            .flat_map(|p| p.console.iter().map(move |e| format!("{}: {e}", p.path)))
            .collect();
        none_or(problems, &format!("{} pages", self.pages.len()))
    }

    fn diagrams(&self) -> Result<String, String> {
        let mut problems = Vec::new();
        let mut count = 0;
        for page in &self.pages {
            for image in &page.images {
                count += 1;
                let decoded =
                    image.complete && image.natural_width > 0.0 && image.natural_height > 0.0;
                let shown = image.folded || (image.width > 0.0 && image.height > 0.0);
                if !decoded || !shown {
                    problems.push(format!(
                        "{}: `{}` renders as {}x{} (image {}x{}{})",
                        page.path,
                        image.src,
                        image.width,
                        image.height,
                        image.natural_width,
                        image.natural_height,
                        if image.complete { "" } else { ", not loaded" }
                    ));
                }
            }
        }
        none_or(problems, &format!("{count} diagrams (print page included)"))
    }

    fn links(&self) -> Result<String, String> {
        let ids: HashMap<&str, HashSet<&str>> = self
            .pages
            .iter()
            .map(|p| (p.path.as_str(), p.ids.iter().map(String::as_str).collect()))
            .collect();
        let (mut problems, mut internal, mut external) = (Vec::new(), 0, 0);
        for page in &self.pages {
            for link in &page.links {
                // mdBook's not-found page: its heading's own `#` link goes
                // to the base, by mdBook's design, not by the book's.
                if page.has_base && link.href.starts_with('#') {
                    continue;
                }
                let shown = format!("{}: `{}`", page.path, link.href);
                let (before, fragment) = link.url.split_once('#').unwrap_or((&link.url, ""));
                let before = before.split('?').next().unwrap_or_default();
                let fragment = percent_decode(fragment);
                let Some(rest) = before.strip_prefix(&self.origin) else {
                    // Outside the book but on this machine: an exercise's
                    // folder or file, reached by a relative link.
                    match before.strip_prefix("file://") {
                        Some(path) => {
                            internal += 1;
                            let path = percent_decode(path);
                            if !Path::new(&path).exists() {
                                problems.push(format!("{shown}: {path} does not exist"));
                            }
                        }
                        None => external += 1,
                    }
                    continue;
                };
                internal += 1;
                let mut target = percent_decode(rest);
                if target.ends_with('/') {
                    target.push_str("index.html");
                }
                if !self.html.join(target.trim_start_matches('/')).is_file() {
                    problems.push(format!("{shown}: {target} is not in the book"));
                    continue;
                }
                if fragment.is_empty() {
                    continue;
                }
                if let Some(ids) = ids.get(target.as_str())
                    && !ids.contains(fragment.as_str())
                {
                    problems.push(format!(
                        "{shown}: {target} has no element with id `{fragment}`"
                    ));
                }
            }
        }
        none_or(
            problems,
            &format!("{internal} internal links resolve ({external} external links not followed)"),
        )
    }

    fn boxes(&self, book: &Book) -> Result<String, String> {
        let mut problems = Vec::new();
        let mut count = 0;
        for exercise in book.exercises {
            let path = format!("/{}.html", exercise.slug);
            if !self.pages.iter().any(|p| p.path == path) {
                problems.push(format!(
                    "{}: its page {path} is not in the book",
                    exercise.name
                ));
            }
        }
        for page in self.pages.iter().filter(|p| p.path != "/print.html") {
            let slug = page.path.trim_start_matches('/').trim_end_matches(".html");
            let expected = book.exercises.iter().find(|e| e.slug == slug);
            match (expected, page.boxes.as_slice()) {
                (None, []) => {}
                (None, boxes) => problems.push(format!(
                    "{}: {} exercise box(es) on a page that is no exercise's page",
                    page.path,
                    boxes.len()
                )),
                (Some(e), [Some(url)]) => {
                    count += 1;
                    // The box links the crate relatively, from the book's
                    // output folder (`book/book/`) up to the workbook.
                    let workbook = self
                        .html
                        .parent()
                        .and_then(Path::parent)
                        .unwrap_or(Path::new("/"));
                    let want = format!("{}/{}/", file_url(workbook), e.dir().display());
                    if *url != want {
                        problems.push(format!(
                            "{}: the box links {url}, not its crate {want}",
                            page.path
                        ));
                    } else if !workbook.join(e.dir()).join("Cargo.toml").is_file() {
                        problems.push(format!(
                            "{}: {} has no Cargo.toml",
                            page.path,
                            e.dir().display()
                        ));
                    }
                }
                (Some(e), [None]) => problems.push(format!(
                    "{}: the box of `{}` has no crate link",
                    page.path, e.name
                )),
                (Some(e), boxes) => problems.push(format!(
                    "{}: {} exercise boxes, expected one for `{}`",
                    page.path,
                    boxes.len(),
                    e.name
                )),
            }
        }
        none_or(problems, &format!("{count} boxes link their crate"))
    }

    fn network(&self) -> Result<String, String> {
        let mut problems: Vec<String> = self
            .requests
            .iter()
            .filter(|(url, _)| leaves_the_machine(url))
            .map(|(url, page)| format!("{page} requested {url}"))
            .collect();
        problems.dedup();
        none_or(
            problems,
            &format!("{} requests, none leaving the machine", self.requests.len()),
        )
    }
}

/// `path` (absolute) as a `file://` URL, escaped as a browser does.
fn file_url(path: &Path) -> String {
    let mut url = String::from("file://");
    for byte in path.to_string_lossy().bytes() {
        match byte {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'/' | b'-' | b'_' | b'.' | b'~' => {
                url.push(char::from(byte));
            }
            other => url.push_str(&format!("%{other:02X}")),
        }
    }
    url
}

fn percent_decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = bytes
            .get(i + 1..i + 3)
            .and_then(|h| std::str::from_utf8(h).ok())
            .and_then(|h| u8::from_str_radix(h, 16).ok());
        match (bytes[i], hex) {
            (b'%', Some(byte)) => {
                out.push(byte);
                i += 3;
            }
            (byte, _) => {
                out.push(byte);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_loopback_and_local_schemes_stay_on_the_machine() {
        for local in [
            "http://127.0.0.1:4000/index.html",
            "http://localhost/x",
            "ws://[::1]:9/x",
            "data:image/png;base64,AAAA",
            "blob:http://127.0.0.1:4000/uuid",
            "about:blank",
            "file:///tmp/book/index.html",
        ] {
            assert!(!leaves_the_machine(local), "{local} is local");
        }
        for remote in [
            "https://cdn.example.com/mathjax.js",
            "http://127.0.0.1.example.com/",
            "https://user@evil.example/?host=127.0.0.1",
            "ftp://127.0.0.1/x",
            "//example.com/x",
        ] {
            assert!(leaves_the_machine(remote), "{remote} leaves the machine");
        }
    }

    #[test]
    fn reads_console_errors_exceptions_and_failed_loads() {
        let events: Vec<Value> = serde_json::from_str(
            r#"[
              {"method": "Runtime.consoleAPICalled", "params": {"type": "log", "args": [{"value": "fine"}]}},
              {"method": "Runtime.consoleAPICalled", "params": {"type": "error", "args": [{"value": "boom"}, {"value": 3}]}},
              {"method": "Runtime.exceptionThrown", "params": {"exceptionDetails": {"text": "Uncaught",
                 "exception": {"description": "ReferenceError: x is not defined\n    at y"}, "url": "http://127.0.0.1/a.js", "lineNumber": 4}}},
              {"method": "Log.entryAdded", "params": {"entry": {"level": "error", "text": "Failed to load resource: 404", "url": "http://127.0.0.1/a.svg"}}},
              {"method": "Log.entryAdded", "params": {"entry": {"level": "warning", "text": "meh"}}}
            ]"#,
        )
        .expect("valid JSON");
        assert_eq!(
            console_errors(&events),
            [
                "console.error: boom 3",
                "uncaught ReferenceError: x is not defined (http://127.0.0.1/a.js:5)",
                "Failed to load resource: 404 (http://127.0.0.1/a.svg)",
            ]
        );
    }

    #[test]
    fn takes_the_search_term_from_the_last_chapter() {
        let page = |path: &str, text: &str| Page {
            path: path.to_owned(),
            text: text.to_owned(),
            ..Page::default()
        };
        let pages = [
            page(
                "/01-futures/01-lazy.html",
                "futures are lazy; polling drives them",
            ),
            page("/02-pin/index.html", "pinning futures; polling again"),
            page(
                "/02-pin/01-self-ref.html",
                "pinning self-referential structs",
            ),
            page("/print.html", "everything incl. referential"),
        ];
        assert_eq!(
            late_term(&pages),
            Some(("02-pin".to_owned(), "pinning".to_owned())),
            "the word on most pages of the chapter and none elsewhere"
        );
    }

    #[test]
    fn an_explanation_matches_its_markdown_source() {
        let written =
            "A Rust future does *nothing* when created; `step(\"a\")` only builds a value.";
        assert!(explains(
            "✗ Wrong answer. A Rust future does nothing when created; step(\"a\") only builds a value.",
            written
        ));
        assert!(!explains("✗ Wrong answer. Futures are lazy.", written));
        assert!(
            !explains("anything", ""),
            "an empty explanation explains nothing"
        );
    }

    #[test]
    fn makes_file_urls_as_the_browser_does() {
        assert_eq!(
            file_url(Path::new("/tmp/a b/book")),
            "file:///tmp/a%20b/book"
        );
        assert_eq!(file_url(Path::new("/w/caf\u{e9}")), "file:///w/caf%C3%A9");
    }

    #[test]
    fn decodes_percent_escapes_in_paths_and_fragments() {
        assert_eq!(percent_decode("/a%20b.html"), "/a b.html");
        assert_eq!(percent_decode("caf%C3%A9"), "café");
        assert_eq!(percent_decode("100%"), "100%");
    }
}
