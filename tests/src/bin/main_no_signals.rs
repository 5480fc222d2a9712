//! `#[cement::main(catch_signals = false)]`: signals keep their default action.

use std::io::Write;

#[cement::cleanup(pre_close)]
fn closing() {
    println!("pre_close");
}

#[cement::main(catch_signals = false)]
fn main() {
    let mut stdout = std::io::stdout().lock();
    let _ = writeln!(stdout, "ready");
    let _ = stdout.flush();
    loop {
        std::thread::park();
    }
}
