use cement::cleanup;

#[cleanup(pre_clsoe)]
fn remove_tmp_file() {}

fn main() {}
