#[cement::test(expect_exit = 1.5)]
fn exits_with_error() {}

fn main() {}
