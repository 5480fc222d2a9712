#[cement::test]
#[test]
fn closes_cleanly() {}

fn main() {}
