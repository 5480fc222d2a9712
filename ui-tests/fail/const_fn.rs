use cement::cleanup;

#[cleanup(pre_close)]
const fn remove_tmp_file() {}

fn main() {}
