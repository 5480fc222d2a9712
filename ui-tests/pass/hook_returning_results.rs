use std::io;

use cement::{App, cleanup};

#[cleanup(pre_close)]
fn io_result(_app: &App) -> io::Result<()> {
    Ok(())
}

#[cleanup(pre_close)]
fn string_result() -> Result<(), String> {
    Ok(())
}

#[cleanup(post_close)]
fn full_path_result() -> std::result::Result<(), std::fmt::Error> {
    Ok(())
}

#[cleanup(post_close)]
fn unit() -> () {}

fn main() {}
