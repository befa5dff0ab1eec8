//! Hints live in each exercise's README as `<details><summary>Hint N`
//! blocks: the one place an author writes them.

use std::fs;
use std::path::Path;

use crate::workbook::Exercise;

/// The text of each hint, in order.
pub fn hints(root: &Path, exercise: &Exercise) -> Vec<String> {
    let readme =
        fs::read_to_string(root.join(exercise.dir()).join("README.md")).unwrap_or_default();
    parse(&readme)
}

fn parse(readme: &str) -> Vec<String> {
    readme
        .split("<details>")
        .skip(1)
        .filter_map(|block| {
            let (summary, rest) = block.split_once("</summary>")?;
            if !summary.contains("Hint") {
                return None;
            }
            let body = rest.split("</details>").next().unwrap_or(rest);
            Some(body.trim().to_owned())
        })
        .collect()
}

#[cfg(test)]
mod tests {
    #[test]
    fn reads_hint_blocks_in_order_and_skips_other_details() {
        let readme = "# X\n\n<details><summary>Hint 1</summary>\n\nFirst.\n\n</details>\n\
                      <details><summary>Notes</summary>\nnot a hint\n</details>\n\
                      <details><summary>Hint 2</summary>\n\nSecond\nline.\n</details>\n";
        assert_eq!(super::parse(readme), ["First.", "Second\nline."]);
    }
}
