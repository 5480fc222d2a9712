#[cement::hook(weight = 1, pre_close)]
fn remove_tmp_file() {}

fn main() {}
