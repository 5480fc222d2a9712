use cement::{App, cleanup};

#[cleanup(pre_close)]
async fn remove_tmp_file(_app: &App) {}

fn main() {}
