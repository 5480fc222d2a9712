//! The baseline for start-up cost: an empty plain `fn main`.

fn main() {}
