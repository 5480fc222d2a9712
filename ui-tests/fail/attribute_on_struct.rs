use cement::cleanup;

#[cleanup(pre_close)]
struct TmpFile;

fn main() {
    let _ = TmpFile;
}
