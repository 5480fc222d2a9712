use cement::cleanup;

#[cleanup(weight = 10)]
fn remove_tmp_file() {}

fn main() {}
