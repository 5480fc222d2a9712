#[cement::test(expected_exit = 1)]
fn exits_with_error() {}

fn main() {}
