//! Cement's "Running Cleanup Code" example: a temp file made while the program runs
//! is removed by a `pre_close` hook, however the run ends.
//!
//! Run it with `cargo run --example tmp_file`.

use std::path::PathBuf;

use cement::{App, Hook};

/// Where the App keeps the temp file's path, for the hook to find.
struct TmpFile(PathBuf);

fn remove_tmp_file(app: &App) {
    if let Some(tmp) = app.get::<TmpFile>()
        && tmp.0.exists()
    {
        println!("removing tmp file: {}", tmp.0.display());
        if let Err(error) = std::fs::remove_file(&tmp.0) {
            eprintln!("cannot remove {}: {error}", tmp.0.display());
        }
    }
}

fn main() -> std::process::ExitCode {
    let app = App::builder("myapp").exit_on_close(true).build();
    app.register_hook(Hook::PreClose, 0, remove_tmp_file);
    app.setup();
    app.run(|app| {
        let path = std::env::temp_dir().join(format!("myapp-{}.tmp", std::process::id()));
        std::fs::write(&path, "scratch data").expect("create the temp file");
        println!("created tmp file: {}", path.display());
        app.insert(TmpFile(path));
    });
    std::process::ExitCode::from(app.close() as u8)
}
