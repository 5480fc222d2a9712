//! An application that links a plugin crate whose only content is a hook.

use cement_test_plugin as _;

#[cement::main(label = "plugin-host")]
fn main() {
    println!("body");
}
