use cement::cleanup;

type Res = Result<(), String>;

#[cleanup(pre_close)]
fn remove_tmp_file() -> Res {
    Ok(())
}

fn main() {}
