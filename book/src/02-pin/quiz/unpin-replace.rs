use std::pin::Pin;

fn main() {
    let mut text = String::from("first");
    let mut pinned: Pin<&mut String> = Pin::new(&mut text);
    let old = std::mem::replace(&mut *pinned, String::from("second"));
    println!("{old} {text}");
}
