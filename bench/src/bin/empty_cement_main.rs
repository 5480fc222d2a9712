//! Start-up cost: an empty `#[cement::main]` program (signals caught, as by default),
//! timed by `bench/compare.sh` against `plain_main.rs`.

#[cement::main]
fn main() {}
