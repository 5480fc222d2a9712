use cement::cleanup;

struct TmpFile;

impl TmpFile {
    #[cleanup(pre_close)]
    fn remove(&self) {}
}

fn main() {
    TmpFile.remove();
}
