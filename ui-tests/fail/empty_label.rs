#[cement::main(label = "")]
fn main() {}
