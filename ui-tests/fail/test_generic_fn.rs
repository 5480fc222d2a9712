#[cement::test]
fn closes_cleanly<const N: usize>() {}

fn main() {}
