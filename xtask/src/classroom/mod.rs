//! For teaching with the workbook: a student copy without solutions
//! (`handout`), the progress file a student hands in (`progress --export`)
//! and the class report an instructor makes from a folder of them
//! (`report`).

pub mod export;
pub mod handout;
pub mod report;
