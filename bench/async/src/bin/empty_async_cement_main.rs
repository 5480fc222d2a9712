//! Start-up cost of an empty async `#[cement::main]` (signals caught, multi-thread
//! runtime), timed by `bench/compare.sh` against `tokio_main.rs`.

#[cement::main]
async fn main() {}
