//! `cargo xtask list`: the exercises in learning order.

use crate::workbook::Workbook;

pub fn run(workbook: &Workbook) {
    let rows: Vec<[String; 4]> = workbook
        .exercises
        .iter()
        .enumerate()
        .map(|(i, e)| {
            [
                format!("{:>2}", i + 1),
                e.chapter().to_owned(),
                e.dir().display().to_string(),
                e.command(),
            ]
        })
        .collect();
    let header = ["#", "chapter", "path", "command"].map(String::from);
    let widths: Vec<usize> = (0..4)
        .map(|c| {
            rows.iter()
                .chain([&header])
                .map(|r| r[c].len())
                .max()
                .unwrap_or(0)
        })
        .collect();
    for row in std::iter::once(&header).chain(&rows) {
        let line: Vec<String> = row
            .iter()
            .zip(&widths)
            .map(|(cell, w)| format!("{cell:<w$}"))
            .collect();
        println!("{}", line.join("  ").trim_end());
    }
    println!("\n{} exercises", rows.len());
}
