use cement::cleanup;

#[cleanup(pre_setup)]
fn prepare() {}

fn main() {}
