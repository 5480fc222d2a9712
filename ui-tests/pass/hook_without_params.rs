#[cement::hook(pre_run)]
fn announce() {}

fn main() {}
