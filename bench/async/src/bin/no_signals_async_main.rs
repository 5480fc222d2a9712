//! Async start-up cost without the signal-watching thread: an empty async
//! `#[cement::main]` with `catch_signals = false`, timed by `bench/compare.sh` beside
//! `empty_async_cement_main.rs`.

#[cement::main(catch_signals = false)]
async fn main() {}
