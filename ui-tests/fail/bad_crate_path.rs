#[cement::main(crate = "not a path")]
fn main() {}
