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
//! - `WINEPREFIX` (`target/wine-prefix`); `WINEDEBUG` is `-all,err+virtual` unless
//!   set: only Wine's own failures ([`failed_in_wine`]) are printed.
//!
//! Before the first fixture of a test binary, the server is started persistent
//! (60 s after its last client) with null stdio, and `wineboot` brings up Wine's
//! system processes, also with null stdio: a server or system process that a
//! fixture started would inherit that fixture's stderr and hold it open for
//! seconds after the fixture ended, so reading stderr to its end would wait.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::Once;

use crate::Run;

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

/// Whether a fixture's run under Wine failed in Wine itself rather than in the
/// program: then the run says nothing about cement and is made again. `signal` is
/// the Unix signal that ended the process, if one did; `stderr` what it printed there.
///
/// Measured with 1 000-run loops of one fixture under load (8 at once on 2 cores),
/// Wine 8 fails so in about 3 runs in 1 000, in four ways (details and the core
/// dump's backtrace in `ci/wine/README.md`, "Wine's own failures"):
///
/// - `SIGKILL` from wineserver. When a Windows process has ended (its last thread
///   called `NtTerminateProcess`), wineserver checks for about 0.5 s that the Unix
///   process has gone and then kills it; its exit code is lost.
/// - `SIGSEGV` in Wine's Unix side: `ExitProcess` terminating a thread that was
///   itself exiting faults in ntdll's signal handler, and the kernel ends the process.
///   A fault in the program would be an exception, whose code Wine reports as the
///   status (0xC0000005), never a Unix signal.
/// - At start-up, `err:virtual:virtual_alloc_first_teb wine: failed to map the shared
///   user data` (status 1, nothing run): the randomised address space left no room.
/// - As the process ends, `err:virtual:virtual_setup_exception nested exception on
///   signal stack` (status 1).
///
/// Nothing in a fixture raises a Unix signal, and Wine's `err:virtual` channel is the
/// only one the harness turns on (`WINEDEBUG=-all,err+virtual`), so each of these
/// always means Wine.
pub fn failed_in_wine(signal: Option<i32>, stderr: &str) -> bool {
    active() && wine_failure(signal, stderr)
}

/// [`failed_in_wine`]'s rule, for a run known to be under Wine.
fn wine_failure(signal: Option<i32>, stderr: &str) -> bool {
    const SIGKILL: i32 = 9;
    const SIGSEGV: i32 = 11;
    matches!(signal, Some(SIGKILL | SIGSEGV)) || stderr.contains("err:virtual:")
}

/// The Unix signal that ended a process, if one did.
pub fn signal_of(status: &std::process::ExitStatus) -> Option<i32> {
    // The fixtures link this crate too, and build for Windows.
    #[cfg(unix)]
    let signal = std::os::unix::process::ExitStatusExt::signal(status);
    #[cfg(not(unix))]
    let signal = {
        let _ = status;
        None
    };
    signal
}

/// How many times a run that [`failed_in_wine`] is made again, at most.
pub const AGAIN: usize = 2;

/// What [`Running`]'s waits unwind with when the fixture ended early because it
/// [`failed_in_wine`]: how it ended, for [`unless_wine_fails`] to make it again.
///
/// [`Running`]: crate::Running
#[derive(Debug)]
pub struct FailedInWine(pub String);

/// Runs `interaction` (a fixture run with [`run`], or started with [`Running::start`],
/// talked to and finished) again, [`AGAIN`] times at most, while it
/// [`failed_in_wine`], whether at its end or before a line it waited for; returns the
/// first run that did not. `interaction` returns the run and the Unix signal that
/// ended it, if one did. Natively it runs once.
///
/// [`run`]: crate::run
/// [`Running::start`]: crate::Running::start
pub fn unless_wine_fails(mut interaction: impl FnMut() -> (Run, Option<i32>)) -> Run {
    let mut attempt = 0;
    loop {
        attempt += 1;
        let failure = match std::panic::catch_unwind(std::panic::AssertUnwindSafe(&mut interaction))
        {
            Ok((run, signal)) if failed_in_wine(signal, &run.stderr) => {
                if attempt > AGAIN {
                    return run;
                }
                format!("signal {signal:?}, {run:?}")
            }
            Ok((run, _)) => return run,
            Err(payload) => match payload.downcast::<FailedInWine>() {
                Ok(failed) if attempt > AGAIN => panic!("the fixture ended early: {}", failed.0),
                Ok(failed) => failed.0,
                Err(payload) => std::panic::resume_unwind(payload),
            },
        };
        eprintln!("Wine failed ({failure}); running it again");
    }
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
            std::env::var_os("WINEDEBUG").unwrap_or("-all,err+virtual".into()),
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
        let boot = || {
            let mut boot = wine(loader());
            boot.arg("wineboot");
            quiet(boot).unwrap_or_else(|error| {
                panic!(
                    "cannot start {}: {error}; run .ci/windows-setup",
                    loader().display()
                )
            })
        };
        // Tried twice: Wine fails at start-up about once in 1 000 runs
        // (see `failed_in_wine`).
        let booted = boot();
        let booted = if booted.success() { booted } else { boot() };
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

#[cfg(test)]
mod tests {
    use super::wine_failure;

    #[test]
    fn wines_own_failures_are_told_from_the_programs() {
        // wineserver's kill, and a fault in Wine's Unix side.
        assert!(wine_failure(Some(9), ""));
        assert!(wine_failure(Some(11), "cement: SIGINT while closing\n"));
        // Wine's memory manager, at start-up and in a signal handler.
        assert!(wine_failure(
            None,
            "err:virtual:virtual_alloc_first_teb wine: failed to map the shared user data: c0000018\n"
        ));
        assert!(wine_failure(
            None,
            "0290:err:virtual:virtual_setup_exception nested exception on signal stack\n"
        ));
        // The program's own endings, whatever they say.
        assert!(!wine_failure(None, ""));
        assert!(!wine_failure(
            None,
            "thread 'main' panicked at src/main.rs:1:1:\nerr: virtual\n"
        ));
        assert!(!wine_failure(Some(15), ""));
        assert!(!wine_failure(Some(2), ""));
    }
}
