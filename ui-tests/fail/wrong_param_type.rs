use cement::cleanup;

#[cleanup(pre_close)]
fn remove_tmp_file(_path: &str) {}

fn main() {}
