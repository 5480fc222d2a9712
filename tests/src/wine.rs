//! Windows fixtures under Wine (SPEC §9); facts and commands in `ci/wine/README.md`.
//!
//! `.ci/windows-setup` installs Wine and the mingw-w64 linker and prints the
//! variables below. A run of the process-level tests for Windows:
//!
//! ```text
//! eval "$(.ci/windows-setup --env)"
//! cargo build -p cement-tests --bins --target x86_64-pc-windows-gnu
//! CEMENT_WINE_FIXTURES=target/x86_64-pc-windows-gnu/debug cargo test -p cement-tests --test NAME
//! ```
//!
//! Read from the environment, each with a default:
//! - `CEMENT_WINE_FIXTURES`: the directory of `<name>.exe` fixtures (a relative path
//!   from the workspace root); unset or empty, the native fixtures run. A fixture path such as
//!   `env!("CARGO_BIN_EXE_signals")` only gives its file name.
//! - `CEMENT_WINE`: the Wine loader (`/usr/lib/wine/wine64`, Debian's `wine64`).
//! - `CEMENT_WINESERVER`: the server (`/usr/lib/wine/wineserver64`).
//! - `CEMENT_WINE_DLL`: the `ProcessPrng` shim (`target/wine/bcryptprimitives.dll`),
//!   copied beside the fixtures when missing there.
//! - `WINEPREFIX` (`target/wine-prefix`); `WINEDEBUG` is `-all` unless set.
//!
//! Before the first fixture of a test binary, the server is started persistent
//! (60 s after its last client) with null stdio, and `wineboot` brings up Wine's
//! system processes, also with null stdio: a server or system process that a
//! fixture started would inherit that fixture's stderr and hold it open for
//! seconds after the fixture ended, so reading stderr to its end would wait.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::Once;

/// The status a Linux parent sees for a Windows program that ended with
/// `ExitProcess(code)` under Wine: the low byte, but 1 where that is 0 and the
/// code is not (Wine keeps a failure a failure). `STATUS_CONTROL_C_EXIT`
/// (0xC000013A) shows as 58; a code from 0 to 255 as itself.
pub const fn status(code: u32) -> i32 {
    if code != 0 && code & 0xff == 0 {
        1
    } else {
        (code & 0xff) as i32
    }
}

/// Whether `status` is wineserver's SIGKILL rather than the fixture's own ending.
///
/// When a Windows process has ended (its last thread called `NtTerminateProcess`),
/// wineserver checks for about 0.5 s that the Unix process has gone and then sends it
/// `SIGKILL`. A process that ends from its main thread while another thread is being
/// torn down (a console handler thread blocked until the process ends, as for
/// `CTRL_CLOSE_EVENT`) sometimes takes longer than that on a loaded machine: 5 runs in
/// 60 under load (`strace -e kill -p $(pgrep wineserver)` shows the `kill(pid, 0)`
/// polls, then the `SIGKILL`). Its exit code is then lost; Windows has no such kill.
/// Nothing in a fixture raises `SIGKILL`, so under Wine it always means this.
pub fn killed_by_wineserver(status: &std::process::ExitStatus) -> bool {
    // The fixtures link this crate too, and build for Windows.
    #[cfg(unix)]
    let killed = std::os::unix::process::ExitStatusExt::signal(status) == Some(9);
    #[cfg(not(unix))]
    let killed = {
        let _ = status;
        false
    };
    active() && killed
}

/// The directory of Windows fixtures, when the tests run them under Wine. A relative
/// `CEMENT_WINE_FIXTURES` is taken from the workspace root (cargo runs each test
/// binary in its package's directory).
pub fn fixtures() -> Option<PathBuf> {
    let dir =
        PathBuf::from(std::env::var_os("CEMENT_WINE_FIXTURES").filter(|dir| !dir.is_empty())?);
    Some(if dir.is_relative() {
        workspace().join(dir)
    } else {
        dir
    })
}

fn workspace() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("tests/ sits in the workspace")
        .to_path_buf()
}

/// Whether the fixtures run under Wine (`CEMENT_WINE_FIXTURES` is set).
pub fn active() -> bool {
    fixtures().is_some()
}

fn var_or(name: &str, default: impl FnOnce() -> PathBuf) -> PathBuf {
    std::env::var_os(name)
        .filter(|value| !value.is_empty())
        .map_or_else(default, PathBuf::from)
}

fn target_dir() -> PathBuf {
    var_or("CARGO_TARGET_DIR", || workspace().join("target"))
}

fn installed(path: &str, fallback: &str) -> PathBuf {
    if Path::new(path).exists() {
        PathBuf::from(path)
    } else {
        PathBuf::from(fallback)
    }
}

fn loader() -> PathBuf {
    var_or("CEMENT_WINE", || {
        installed("/usr/lib/wine/wine64", "wine64")
    })
}

fn server() -> PathBuf {
    var_or("CEMENT_WINESERVER", || {
        installed("/usr/lib/wine/wineserver64", "wineserver")
    })
}

/// A command under Wine, with the prefix and quiet logging.
fn wine(program: impl AsRef<std::ffi::OsStr>) -> Command {
    let mut command = Command::new(program);
    command
        .env(
            "WINEPREFIX",
            var_or("WINEPREFIX", || target_dir().join("wine-prefix")),
        )
        .env(
            "WINEDEBUG",
            std::env::var_os("WINEDEBUG").unwrap_or("-all".into()),
        )
        // No Mono or Gecko installers if the prefix is created here.
        .env("WINEDLLOVERRIDES", "mscoree,mshtml=");
    command
}

/// Once per test binary: the shim beside the fixtures, the server and Wine's
/// system processes up, none of them holding a fixture's stdio.
fn prepare(dir: &Path) {
    static PREPARED: Once = Once::new();
    PREPARED.call_once(|| {
        // The shim beside the fixtures, copied when missing or older than the built one
        // (`cargo clean` removes it); by rename, as nextest runs test binaries at once.
        let shim = dir.join("bcryptprimitives.dll");
        let source = var_or("CEMENT_WINE_DLL", || {
            target_dir().join("wine/bcryptprimitives.dll")
        });
        let modified = |path: &Path| std::fs::metadata(path).and_then(|m| m.modified()).ok();
        if modified(&shim).is_none() || modified(&shim) < modified(&source) {
            let partial = dir.join(format!("bcryptprimitives.dll.{}", std::process::id()));
            std::fs::copy(&source, &partial)
                .and_then(|_| std::fs::rename(&partial, &shim))
                .unwrap_or_else(|error| {
                    panic!(
                        "cannot copy {} beside the fixtures: {error}; run .ci/windows-setup",
                        source.display()
                    )
                });
        }
        let quiet = |mut command: Command| {
            command
                .stdin(Stdio::null())
                .stdout(Stdio::null())
                .stderr(Stdio::null())
                .status()
        };
        let server = server();
        // Fails at once, harmlessly, if a server already runs for this prefix.
        let mut persistent = wine(&server);
        persistent.arg("-p60");
        quiet(persistent).unwrap_or_else(|error| {
            panic!(
                "cannot start {}: {error}; run .ci/windows-setup",
                server.display()
            )
        });
        let mut boot = wine(loader());
        boot.arg("wineboot");
        let booted = quiet(boot).unwrap_or_else(|error| {
            panic!(
                "cannot start {}: {error}; run .ci/windows-setup",
                loader().display()
            )
        });
        assert!(booted.success(), "wineboot failed: {booted}");
    });
}

/// The command that runs the fixture named like `path` from `dir` under Wine.
pub fn command(dir: &Path, path: &str) -> Command {
    let file = Path::new(path)
        .file_name()
        .unwrap_or_else(|| panic!("no fixture name in {path}"))
        .to_string_lossy();
    let name = file.strip_suffix(".exe").unwrap_or(&file);
    let exe = dir.join(format!("{name}.exe"));
    assert!(exe.is_file(), "no Windows fixture {}", exe.display());
    prepare(dir);
    let mut command = wine(loader());
    command.arg(exe);
    command
}
