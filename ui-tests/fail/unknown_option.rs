#[cement::hook(pre_close, wieght = 3)]
fn remove_tmp_file() {}

fn main() {}
