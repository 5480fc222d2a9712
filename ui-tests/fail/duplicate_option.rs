#[cement::hook(pre_close, weight = 3, weight = 4)]
fn remove_tmp_file() {}

fn main() {}
