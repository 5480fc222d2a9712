#[cement::main(close_deadline_ms = 0)]
fn main() {}
