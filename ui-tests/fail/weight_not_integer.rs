use cement::cleanup;

#[cleanup(post_close, weight = "3")]
fn goodbye() {}

fn main() {}
