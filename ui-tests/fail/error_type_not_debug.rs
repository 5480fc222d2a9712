use cement::cleanup;

struct Opaque;

#[cleanup(pre_close)]
fn remove_tmp_file() -> Result<(), Opaque> {
    Ok(())
}

fn main() {}
