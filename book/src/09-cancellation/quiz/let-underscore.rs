struct Guard(&'static str);

impl Drop for Guard {
    fn drop(&mut self) {
        println!("release {}", self.0);
    }
}

fn main() {
    let _ = Guard("a");
    let _b = Guard("b");
    println!("working");
}
