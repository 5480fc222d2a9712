#[cement::main]
fn main() {}
