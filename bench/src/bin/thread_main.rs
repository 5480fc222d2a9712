//! What one thread costs at start-up, without cement: a plain `fn main` that spawns
//! a thread blocked on a pipe, as cement's signal watcher is. Timed by
//! `bench/compare.sh` beside `plain_main.rs`.

use std::io::Read;

fn main() {
    let (mut reader, writer) = std::io::pipe().expect("create a pipe");
    std::thread::spawn(move || {
        let mut byte = [0u8];
        let _ = reader.read(&mut byte);
    });
    // Kept open for the whole process, as cement's wake-up pipe is.
    std::mem::forget(writer);
}
