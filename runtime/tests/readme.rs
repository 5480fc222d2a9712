//! The README shows `examples/tmp_file.rs` whole: the block after the line that
//! names the file is that file, byte for byte. (The README's blocks are compiled as
//! this crate's doctests: see `ReadmeDoctests` in `src/lib.rs`.)

const README: &str = include_str!(concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/",
    env!("CARGO_PKG_README")
));
const TMP_FILE: &str = include_str!("../examples/tmp_file.rs");

#[test]
fn the_tmp_file_block_is_the_example() {
    let named = README
        .find("(runtime/examples/tmp_file.rs)")
        .expect("the README links the example");
    let fence = "```rust\n";
    let start = named + README[named..].find(fence).expect("a rust block follows") + fence.len();
    let end = start + README[start..].find("\n```\n").expect("the block ends") + 1;
    assert_eq!(&README[start..end], TMP_FILE);
}
