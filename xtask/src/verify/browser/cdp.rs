//! Headless Chromium driven through the DevTools protocol over a pipe
//! (`--remote-debugging-pipe`): the browser reads commands on its file
//! descriptor 3 and writes answers and events on 4, one JSON message per
//! NUL-terminated chunk. No driver process and no port: nothing but this
//! process can talk to the browser, and it exits when the pipe closes.
//!
//! Every wait is bounded: a command that gets no answer, a page that never
//! loads or a condition that never holds fails with an error naming it.

use std::fs::{self, File};
use std::io::{BufRead as _, BufReader, PipeWriter, Write as _};
use std::os::fd::AsRawFd as _;
use std::os::unix::process::CommandExt as _;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc::{self, Receiver, RecvTimeoutError};
use std::thread;
use std::time::{Duration, Instant};

use anyhow::{Context, Result, anyhow, bail};
use serde_json::{Value, json};

/// How long one protocol command may take to be answered.
const COMMAND_LIMIT: Duration = Duration::from_secs(30);
/// How long a page may take to load (the first one starts a renderer, on
/// a machine that may be busy compiling).
const LOAD_LIMIT: Duration = Duration::from_secs(20);

/// The names Chromium's binary has in Linux distributions and Google's
/// package, searched in `PATH`; `WORKBOOK_CHROMIUM` overrides them.
const BINARIES: &[&str] = &[
    "chromium",
    "chromium-browser",
    "google-chrome",
    "google-chrome-stable",
];

/// Chromium's binary: `WORKBOOK_CHROMIUM` (if it exists), or the first of
/// [`BINARIES`] found in `PATH`.
pub fn find() -> Option<PathBuf> {
    if let Some(path) = std::env::var_os("WORKBOOK_CHROMIUM") {
        return Some(PathBuf::from(path)).filter(|p| p.is_file());
    }
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path)
        .flat_map(|dir| BINARIES.iter().map(move |name| dir.join(name)))
        .find(|candidate| candidate.is_file())
}

/// One headless browser with one page (a tab) attached.
pub struct Chromium {
    child: Child,
    to_browser: PipeWriter,
    from_browser: Receiver<Value>,
    next_id: u64,
    /// The page's protocol session.
    session: String,
    /// Events received and not yet taken, in order.
    events: Vec<Value>,
    /// A fresh profile, removed on drop.
    profile: PathBuf,
}

impl Chromium {
    /// Starts `binary` headless with a fresh profile and opens one page.
    /// The browser's own output goes to `log`.
    pub fn launch(binary: &Path, log: &Path) -> Result<Self> {
        let profile = std::env::temp_dir().join(format!(
            "workbook-chromium-{}-{:x}",
            std::process::id(),
            rand_seed()
        ));
        fs::create_dir_all(&profile)?;
        if let Some(dir) = log.parent() {
            fs::create_dir_all(dir)?;
        }
        let (browser_reads, we_write) = std::io::pipe()?;
        let (we_read, browser_writes) = std::io::pipe()?;
        let (read_fd, write_fd) = (browser_reads.as_raw_fd(), browser_writes.as_raw_fd());
        let mut command = Command::new(binary);
        command
            .args([
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-dev-shm-usage",
                "--disable-quic",
                "--no-first-run",
                "--no-default-browser-check",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--disable-extensions",
                "--disable-default-apps",
                "--disable-domain-reliability",
                "--metrics-recording-only",
                "--window-size=1280,900",
                "--remote-debugging-pipe",
            ])
            .arg(format!("--user-data-dir={}", profile.display()))
            .arg("about:blank")
            .stdin(Stdio::null())
            .stdout(File::create(log)?)
            .stderr(File::create(log.with_extension("stderr.log"))?)
            .process_group(0);
        // SAFETY: between fork and exec the closure only calls fcntl and
        // dup2, which are async-signal-safe, on descriptors it owns; the
        // copies above 10 keep dup2 from clearing close-on-exec on an
        // unmoved descriptor when a pipe end already is 3 or 4.
        unsafe {
            command.pre_exec(move || {
                let read = libc::fcntl(read_fd, libc::F_DUPFD, 10);
                let write = libc::fcntl(write_fd, libc::F_DUPFD, 10);
                if read < 0 || write < 0 || libc::dup2(read, 3) < 0 || libc::dup2(write, 4) < 0 {
                    return Err(std::io::Error::last_os_error());
                }
                Ok(())
            });
        }
        let child = command
            .spawn()
            .with_context(|| format!("start {}", binary.display()))?;
        // Only the browser keeps its ends: its exit then closes the pipe.
        drop((browser_reads, browser_writes));
        let (tx, from_browser) = mpsc::channel();
        thread::spawn(move || {
            let mut reader = BufReader::new(we_read);
            let mut message = Vec::new();
            while reader.read_until(0, &mut message).is_ok_and(|n| n > 0) {
                if message.last() == Some(&0) {
                    message.pop();
                }
                if let Ok(value) = serde_json::from_slice::<Value>(&message)
                    && tx.send(value).is_err()
                {
                    break;
                }
                message.clear();
            }
        });
        let mut browser = Chromium {
            child,
            to_browser: we_write,
            from_browser,
            next_id: 0,
            session: String::new(),
            events: Vec::new(),
            profile,
        };
        browser.open_page().with_context(|| {
            format!(
                "talk to {} over the DevTools pipe (its output: {})",
                binary.display(),
                log.with_extension("stderr.log").display()
            )
        })?;
        Ok(browser)
    }

    fn open_page(&mut self) -> Result<()> {
        let target = self.send(None, "Target.createTarget", json!({"url": "about:blank"}))?;
        let target_id = target["targetId"].clone();
        let attached = self.send(
            None,
            "Target.attachToTarget",
            json!({"targetId": target_id, "flatten": true}),
        )?;
        self.session = attached["sessionId"]
            .as_str()
            .ok_or_else(|| anyhow!("no session in {attached}"))?
            .to_owned();
        for domain in ["Page", "Runtime", "Log", "Network"] {
            self.call(&format!("{domain}.enable"), json!({}))?;
        }
        Ok(())
    }

    /// Sends a command to the page and waits for its answer.
    pub fn call(&mut self, method: &str, params: Value) -> Result<Value> {
        let session = self.session.clone();
        self.send(Some(&session), method, params)
    }

    fn send(&mut self, session: Option<&str>, method: &str, params: Value) -> Result<Value> {
        self.next_id += 1;
        let id = self.next_id;
        let mut message = json!({"id": id, "method": method, "params": params});
        if let Some(session) = session {
            message["sessionId"] = json!(session);
        }
        let mut bytes = serde_json::to_vec(&message)?;
        bytes.push(0);
        self.to_browser
            .write_all(&bytes)
            .with_context(|| format!("send {method} to the browser"))?;
        let deadline = Instant::now() + COMMAND_LIMIT;
        loop {
            let message = self.receive(deadline, method)?;
            if message["id"].as_u64() == Some(id) {
                if let Some(error) = message.get("error") {
                    bail!("{method} failed: {error}");
                }
                return Ok(message["result"].clone());
            }
            if message.get("method").is_some() {
                self.events.push(message);
            }
        }
    }

    fn receive(&mut self, deadline: Instant, waiting_for: &str) -> Result<Value> {
        let left = deadline.saturating_duration_since(Instant::now());
        match self.from_browser.recv_timeout(left) {
            Ok(message) => Ok(message),
            Err(RecvTimeoutError::Timeout) => {
                bail!("the browser did not answer {waiting_for} in time")
            }
            Err(RecvTimeoutError::Disconnected) => {
                bail!("the browser closed the pipe (it exited) while waiting for {waiting_for}")
            }
        }
    }

    /// Moves every message already received into the event list.
    fn drain(&mut self) {
        while let Ok(message) = self.from_browser.try_recv() {
            if message.get("method").is_some() {
                self.events.push(message);
            }
        }
    }

    /// The events received so far, in order; the list starts again empty.
    pub fn take_events(&mut self) -> Vec<Value> {
        self.drain();
        std::mem::take(&mut self.events)
    }

    /// Opens `url` and waits until it has loaded (its `load` event). A
    /// load that stalls is tried once more, then fails naming the requests
    /// still unanswered.
    pub fn navigate(&mut self, url: &str) -> Result<()> {
        match self.navigate_once(url) {
            Err(first) if first.to_string().contains("in time") => {
                let _ = self.call("Page.stopLoading", json!({}));
                self.navigate_once(url)
                    .with_context(|| format!("a second try, after: {first:#}"))
            }
            other => other,
        }
    }

    fn navigate_once(&mut self, url: &str) -> Result<()> {
        self.drain();
        let already = self.events.len();
        let answer = self.call("Page.navigate", json!({"url": url}))?;
        if let Some(error) = answer["errorText"].as_str() {
            bail!("opening {url} failed: {error}");
        }
        let deadline = Instant::now() + LOAD_LIMIT;
        let loaded = |e: &Value| e["method"] == "Page.loadEventFired";
        if self.events[already..].iter().any(loaded) {
            return Ok(());
        }
        loop {
            let message = match self.receive(deadline, &format!("{url} to load")) {
                Ok(message) => message,
                Err(error) => {
                    let pending = unanswered(&self.events[already..]);
                    return Err(error.context(format!(
                        "requests still unanswered: {}",
                        if pending.is_empty() {
                            "none".to_owned()
                        } else {
                            pending.join(", ")
                        }
                    )));
                }
            };
            let done = loaded(&message);
            if message.get("method").is_some() {
                self.events.push(message);
            }
            if done {
                return Ok(());
            }
        }
    }

    /// Evaluates a JavaScript expression in the page (awaiting a promise)
    /// and returns its value as JSON.
    pub fn eval(&mut self, expression: &str) -> Result<Value> {
        let answer = self.call(
            "Runtime.evaluate",
            json!({"expression": expression, "returnByValue": true, "awaitPromise": true}),
        )?;
        if let Some(details) = answer.get("exceptionDetails") {
            bail!(
                "the page's script threw: {}",
                details["exception"]["description"]
                    .as_str()
                    .unwrap_or_else(|| details["text"].as_str().unwrap_or("?"))
            );
        }
        Ok(answer["result"]["value"].clone())
    }

    /// Evaluates `expression` every 50 ms until it is truthy (then returns
    /// its value) or `limit` passes.
    pub fn wait_for(&mut self, expression: &str, limit: Duration, what: &str) -> Result<Value> {
        let deadline = Instant::now() + limit;
        loop {
            let value = self.eval(expression)?;
            let truthy = match &value {
                Value::Null | Value::Bool(false) => false,
                Value::String(s) => !s.is_empty(),
                Value::Number(n) => n.as_f64() != Some(0.0),
                _ => true,
            };
            if truthy {
                return Ok(value);
            }
            if Instant::now() >= deadline {
                bail!("{what}: not seen within {limit:?}");
            }
            thread::sleep(Duration::from_millis(50));
        }
    }

    /// Clicks the middle of the first element matching `selector` with the
    /// mouse, as a reader would (scrolled into view first).
    pub fn click(&mut self, selector: &str) -> Result<()> {
        let script = format!(
            "(() => {{ const e = document.querySelector({sel}); if (!e) return null; \
             e.scrollIntoView({{block: 'center'}}); const r = e.getBoundingClientRect(); \
             return [r.left + r.width / 2, r.top + r.height / 2]; }})()",
            sel = json!(selector)
        );
        let point = self.eval(&script)?;
        let (Some(x), Some(y)) = (point[0].as_f64(), point[1].as_f64()) else {
            bail!("nothing on the page matches `{selector}`");
        };
        for kind in ["mousePressed", "mouseReleased"] {
            self.call(
                "Input.dispatchMouseEvent",
                json!({"type": kind, "x": x, "y": y, "button": "left", "clickCount": 1}),
            )?;
        }
        Ok(())
    }

    /// Types `text` into the focused element, key by key.
    pub fn type_text(&mut self, text: &str) -> Result<()> {
        for c in text.chars() {
            let key = c.to_string();
            self.call(
                "Input.dispatchKeyEvent",
                json!({"type": "keyDown", "key": key, "text": key}),
            )?;
            self.call(
                "Input.dispatchKeyEvent",
                json!({"type": "keyUp", "key": key}),
            )?;
        }
        Ok(())
    }

    /// Saves a PNG of the visible part of the page.
    pub fn screenshot(&mut self, path: &Path) -> Result<()> {
        let shot = self.call("Page.captureScreenshot", json!({"format": "png"}))?;
        let data = shot["data"]
            .as_str()
            .ok_or_else(|| anyhow!("no image in the screenshot"))?;
        let png = decode_base64(data).ok_or_else(|| anyhow!("the screenshot is not base64"))?;
        if let Some(dir) = path.parent() {
            fs::create_dir_all(dir)?;
        }
        fs::write(path, png).with_context(|| format!("write {}", path.display()))
    }
}

impl Drop for Chromium {
    fn drop(&mut self) {
        let _ = self.send(None, "Browser.close", json!({}));
        let deadline = Instant::now() + Duration::from_secs(5);
        while Instant::now() < deadline && matches!(self.child.try_wait(), Ok(None)) {
            thread::sleep(Duration::from_millis(50));
        }
        // Its helper processes are in its process group.
        if let Ok(group) = libc::pid_t::try_from(self.child.id()) {
            // SAFETY: kill(2) on the group the browser leads (it was spawned
            // with process_group(0)); no memory is touched.
            unsafe {
                libc::kill(-group, libc::SIGKILL);
            }
        }
        let _ = self.child.wait();
        let _ = fs::remove_dir_all(&self.profile);
    }
}

/// The URLs of the requests among `events` that neither finished nor failed.
fn unanswered(events: &[Value]) -> Vec<String> {
    let mut open: Vec<(&str, &str)> = Vec::new();
    for event in events {
        let params = &event["params"];
        let id = params["requestId"].as_str().unwrap_or_default();
        match event["method"].as_str() {
            Some("Network.requestWillBeSent") => {
                open.push((id, params["request"]["url"].as_str().unwrap_or("?")));
            }
            Some("Network.loadingFinished" | "Network.loadingFailed") => {
                open.retain(|(open_id, _)| *open_id != id);
            }
            _ => {}
        }
    }
    open.into_iter().map(|(_, url)| url.to_owned()).collect()
}

/// A little entropy for the profile's name, without a dependency.
fn rand_seed() -> u64 {
    use std::hash::{BuildHasher as _, RandomState};
    RandomState::new().hash_one(std::process::id())
}

/// Decodes standard base64 (with or without padding).
pub fn decode_base64(text: &str) -> Option<Vec<u8>> {
    let value = |c: u8| -> Option<u32> {
        Some(match c {
            b'A'..=b'Z' => c - b'A',
            b'a'..=b'z' => c - b'a' + 26,
            b'0'..=b'9' => c - b'0' + 52,
            b'+' => 62,
            b'/' => 63,
            _ => return None,
        } as u32)
    };
    let digits = text.trim_end_matches('=').as_bytes();
    let mut out = Vec::with_capacity(digits.len() * 3 / 4);
    for chunk in digits.chunks(4) {
        let mut bits = 0u32;
        for (i, &c) in chunk.iter().enumerate() {
            bits |= value(c)? << (18 - 6 * i);
        }
        let bytes = bits.to_be_bytes();
        match chunk.len() {
            4 => out.extend_from_slice(&bytes[1..4]),
            3 => out.extend_from_slice(&bytes[1..3]),
            2 => out.push(bytes[1]),
            _ => return None,
        }
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decodes_base64_with_and_without_padding() {
        assert_eq!(decode_base64("").as_deref(), Some(&b""[..]));
        assert_eq!(decode_base64("Zg==").as_deref(), Some(&b"f"[..]));
        assert_eq!(decode_base64("Zm8=").as_deref(), Some(&b"fo"[..]));
        assert_eq!(decode_base64("Zm9v").as_deref(), Some(&b"foo"[..]));
        assert_eq!(
            decode_base64("iVBORw0K").as_deref(),
            Some(&b"\x89PNG\r\n"[..])
        );
        assert_eq!(decode_base64("Z"), None, "one digit is no byte");
        assert_eq!(decode_base64("Zm9v!"), None, "not a base64 digit");
    }
}
