//! Start-up cost without the signal-watching thread: an empty `#[cement::main]` with
//! `catch_signals = false`, timed by `bench/compare.sh` beside `empty_cement_main.rs`.

#[cement::main(catch_signals = false)]
fn main() {}
