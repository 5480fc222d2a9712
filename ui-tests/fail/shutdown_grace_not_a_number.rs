#[cement::main(shutdown_grace_ms = "10s")]
fn main() {}
