// A oneshot channel carries one value. `Sender::send` takes the sender by
// value (`self`), so the first send uses the sender up, and the compiler
// refuses a second one: no run-time check, no "already sent" error.
//
// `send` is wrapped in a closure so that the error is reported here, in
// this file. A closure that calls `send` moves the sender into itself, so
// it can be called once (it is `FnOnce`); calling it a second time fails.
fn main() {
    let (sender, receiver) = oneshot::channel::<u32>();
    let send = |value| sender.send(value);
    let _ = send(1);
    let _ = send(2);
    drop(receiver);
}
