use cement::{App, cleanup};

#[cleanup(pre_close)]
fn remove_tmp_file(_app: &App, _path: &str) {}

fn main() {}
