//! The book's Rust snippets: extracted from the pages, compiled as binaries
//! of a generated crate against the workspace's real dependencies, and run.

use std::fs;
use std::path::Path;

use anyhow::{Context, Result};
use regex::Regex;

use super::scratch::files_under;

pub struct Snippet {
    /// `01-futures/04-join.md`
    pub page: String,
    /// 1-based line of the opening fence.
    pub line: usize,
    /// The binary's name in the generated crate.
    pub bin: String,
    pub code: String,
    pub run: bool,
}

impl Snippet {
    pub fn label(&self) -> String {
        format!("book/src/{}:{}", self.page, self.line)
    }
}

/// Every `rust` code block of the pages under `src`, except those that are
/// an `{{#include}}` of a compiled crate file. A fence that asks to be
/// skipped is an error: nothing on a page goes unchecked.
pub fn extract(src: &Path) -> Result<(Vec<Snippet>, Vec<String>)> {
    let mut snippets = Vec::new();
    let mut refused = Vec::new();
    for page in files_under(src)? {
        if page.extension().is_none_or(|e| e != "md") {
            continue;
        }
        let rel = page.strip_prefix(src)?.to_string_lossy().replace('\\', "/");
        let text = fs::read_to_string(&page)?;
        for block in rust_blocks(&text) {
            if block.code.contains("{{#include") || block.code.contains("{{#rustdoc_include") {
                continue;
            }
            if let Some(attr) = block
                .attrs
                .iter()
                .find(|a| ["ignore", "compile_fail", "should_panic"].contains(a))
            {
                refused.push(format!(
                    "book/src/{rel}:{}: `{attr}` snippets are not checked; show compile errors \
                     through a trybuild case and {{{{#include}}}} its .stderr",
                    block.line
                ));
                continue;
            }
            let bin = format!(
                "{}-{}",
                rel.trim_end_matches(".md").replace(['/', '.'], "-"),
                block.line
            );
            snippets.push(Snippet {
                page: rel.clone(),
                line: block.line,
                bin,
                code: program(&block.code),
                run: !block.attrs.contains(&"no_run"),
            });
        }
    }
    Ok((snippets, refused))
}

struct Block<'a> {
    line: usize,
    attrs: Vec<&'a str>,
    code: String,
}

fn rust_blocks(text: &str) -> Vec<Block<'_>> {
    let mut blocks = Vec::new();
    let mut open: Option<Block> = None;
    for (i, line) in text.lines().enumerate() {
        let trimmed = line.trim_start();
        match open.as_mut() {
            None => {
                if let Some(info) = trimmed.strip_prefix("```") {
                    let attrs: Vec<&str> = info
                        .split([',', ' '])
                        .map(str::trim)
                        .filter(|a| !a.is_empty())
                        .collect();
                    // Every fence opens a block; only `rust` ones are kept.
                    open = Some(Block {
                        line: i + 1,
                        attrs,
                        code: String::new(),
                    });
                }
            }
            Some(block) => {
                if trimmed.starts_with("```") {
                    let block = open.take().expect("open");
                    if block.attrs.first() == Some(&"rust") {
                        blocks.push(block);
                    }
                } else {
                    block.code.push_str(line);
                    block.code.push('\n');
                }
            }
        }
    }
    blocks
}

/// Un-hides `# ` lines, as mdBook compiles them, and gives an items-only
/// snippet an empty `main`.
fn program(code: &str) -> String {
    let mut out: String = code
        .lines()
        .map(|l| {
            let t = l.trim_start();
            if t == "#" {
                ""
            } else if let Some(rest) = t.strip_prefix("# ") {
                rest
            } else {
                l
            }
        })
        .fold(String::new(), |mut s, l| {
            s.push_str(l);
            s.push('\n');
            s
        });
    let has_main = Regex::new(r"\bfn\s+main\s*\(")
        .expect("regex")
        .is_match(&out);
    if !has_main {
        out.push_str("\nfn main() {}\n");
    }
    out
}

/// Writes the snippets as binaries of a `book-snippets` crate in the scratch
/// workspace and makes it a member.
pub fn write_crate(scratch: &Path, dependencies: &[String], snippets: &[&Snippet]) -> Result<()> {
    let dir = scratch.join("book-snippets");
    fs::create_dir_all(dir.join("src/bin"))?;
    let mut manifest = String::from(
        "[package]\nname = \"book-snippets\"\nversion = \"0.0.0\"\nedition.workspace = true\npublish = false\n\n\
         [lints.rust]\ndead_code = \"allow\"\nunused_imports = \"allow\"\nunused_variables = \"allow\"\n\n\
         [dependencies]\n",
    );
    for dependency in dependencies {
        manifest.push_str(&format!("{dependency}.workspace = true\n"));
    }
    fs::write(dir.join("Cargo.toml"), manifest)?;
    for snippet in snippets {
        fs::write(
            dir.join("src/bin").join(format!("{}.rs", snippet.bin)),
            &snippet.code,
        )?;
    }
    let manifest = scratch.join("Cargo.toml");
    let text = fs::read_to_string(&manifest)?;
    let text = text.replacen("members = [", "members = [\"book-snippets\", ", 1);
    fs::write(&manifest, text).context("add book-snippets to the scratch workspace")
}

/// The snippets that failed to compile in a `cargo build --keep-going`
/// output, each with its first error.
pub fn compile_failures(output: &str, snippets: &[&Snippet]) -> Vec<(String, String)> {
    snippets
        .iter()
        // Only the "could not compile" line: a warning names the bin too.
        .filter(|s| {
            let bin = format!("(bin \"{}\")", s.bin);
            output
                .lines()
                .any(|l| l.starts_with("error: could not compile") && l.contains(&bin))
        })
        .map(|s| {
            let error = first_error_in(output, s).unwrap_or_else(|| "does not compile".to_owned());
            (s.bin.clone(), error)
        })
        .collect()
}

/// The first error in the snippet's file, located on its page: line L of
/// the snippet is line `fence + L` of the page.
fn first_error_in(output: &str, snippet: &Snippet) -> Option<String> {
    let file = format!("src/bin/{}.rs:", snippet.bin);
    let lines: Vec<&str> = output.lines().collect();
    let at = lines
        .iter()
        .position(|l| l.contains("-->") && l.contains(&file))?;
    let error = lines[..at].iter().rev().find(|l| l.starts_with("error"))?;
    let (_, position) = lines[at].split_once(&file)?;
    let line: usize = position.split(':').next()?.parse().ok()?;
    Some(format!(
        "{error} (book/src/{}:{})",
        snippet.page,
        snippet.line + line
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_warning_is_not_a_compile_failure() {
        let snippet = |bin: &str| Snippet {
            page: "p.md".into(),
            line: 1,
            bin: bin.into(),
            code: String::new(),
            run: true,
        };
        let (warned, failed) = (snippet("warned"), snippet("failed"));
        let output = [
            "warning: unused implementer of `Future` that must be used",
            "  --> book-snippets/src/bin/warned.rs:11:5",
            "warning: `book-snippets` (bin \"warned\") generated 1 warning",
            "error[E0728]: `await` is only allowed inside `async` functions and blocks",
            " --> book-snippets/src/bin/failed.rs:6:22",
            "error: could not compile `book-snippets` (bin \"failed\") due to 1 previous error",
        ]
        .join("\n");
        let failures = compile_failures(&output, &[&warned, &failed]);
        assert_eq!(failures.len(), 1, "{failures:?}");
        assert_eq!(failures[0].0, "failed");
        assert!(failures[0].1.starts_with("error[E0728]"), "{failures:?}");
    }

    #[test]
    fn keeps_rust_blocks_and_unhides_lines() {
        let page = "text\n```rust\n# use std::fmt;\nfn main() {}\n```\n```text\nnot rust\n```\n```rust,no_run\nfn f() {}\n```\n";
        let blocks = rust_blocks(page);
        assert_eq!(blocks.len(), 2);
        assert_eq!(blocks[0].line, 2);
        assert!(program(&blocks[0].code).starts_with("use std::fmt;\nfn main() {}"));
        assert_eq!(blocks[1].attrs, ["rust", "no_run"]);
        assert!(program(&blocks[1].code).ends_with("fn main() {}\n"));
    }
}
