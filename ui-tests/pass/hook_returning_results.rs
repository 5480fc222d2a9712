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

// Each form of report message (SPEC §10): chain, boxed chain, Display, Debug.

#[cleanup(pre_close)]
fn boxed_error() -> Result<(), Box<dyn std::error::Error>> {
    Ok(())
}

#[cleanup(pre_close)]
fn boxed_send_sync_error() -> Result<(), Box<dyn std::error::Error + Send + Sync>> {
    Ok(())
}

#[cleanup(pre_close)]
fn str_error() -> Result<(), &'static str> {
    Ok(())
}

#[cleanup(pre_close)]
fn fmt_result() -> std::fmt::Result {
    Ok(())
}

#[derive(Debug)]
struct DebugOnly;

#[cleanup(pre_close)]
fn debug_only() -> Result<(), DebugOnly> {
    Ok(())
}

/// Display and Debug, but not `std::error::Error` (like `anyhow::Error`).
#[derive(Debug)]
struct DisplayOnly;

impl std::fmt::Display for DisplayOnly {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("display only")
    }
}

#[cleanup(pre_close)]
fn display_only() -> Result<(), DisplayOnly> {
    Ok(())
}

fn main() {}
