//! Cement's "Running Cleanup Code" example: the program makes a temp file, keeps its
//! path in the App's state, and a `pre_close` hook removes it, however the run ends
//! (returning, an error, a panic, `std::process::exit` or Ctrl-C).
//!
//! Run it with `cargo run --example tmp_file`.

use std::path::PathBuf;

use cement::{cleanup, App};

/// Where the App keeps the temp file's path, for the hook to find.
struct TmpFile(PathBuf);

#[cleanup(pre_close)]
fn remove_tmp_file(app: &App) -> std::io::Result<()> {
    if let Some(tmp) = app.get::<TmpFile>().filter(|tmp| tmp.0.exists()) {
        println!("removing tmp file: {}", tmp.0.display());
        std::fs::remove_file(&tmp.0)?;
    }
    Ok(())
}

#[cement::main(label = "myapp", exit_on_close = true)]
fn main(app: &App) -> std::io::Result<()> {
    let path = std::env::temp_dir().join(format!("myapp-{}.tmp", std::process::id()));
    std::fs::write(&path, "scratch data")?;
    println!("created tmp file: {}", path.display());
    app.insert(TmpFile(path));
    Ok(())
}
