use cement::cleanup;

#[cleanup(pre_close)]
fn remove_tmp_file<T: Default>() {
    let _ = T::default();
}

fn main() {}
