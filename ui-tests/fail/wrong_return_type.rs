use cement::cleanup;

#[cleanup(pre_close)]
fn remove_tmp_file() -> i32 {
    0
}

fn main() {}
