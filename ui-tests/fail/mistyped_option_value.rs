#[cement::main(exit_on_close = "yes")]
fn main() {}
