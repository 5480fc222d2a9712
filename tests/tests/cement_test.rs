//! `#[cement::test]` at process level: the fixture crate `cement-test-fixture` (not a
//! workspace member, since some of its tests must fail) is run with `cargo test` and
//! with `cargo nextest run`, and every verdict is checked, with the failure messages
//! and the closes that ran (in the test process or in a child).

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;

/// Every fixture test and the verdict it must get.
const VERDICTS: [(&str, Verdict); 17] = [
    ("passes_when_the_app_ends_with_0", Verdict::Pass),
    ("passes_when_an_err_body_expects_1", Verdict::Pass),
    ("passes_when_the_code_set_is_expected", Verdict::Pass),
    (
        "fails_when_the_app_ends_with_2_but_0_is_expected",
        Verdict::Fail,
    ),
    (
        "passes_when_it_should_panic_and_still_closes",
        Verdict::Pass,
    ),
    ("is_ignored", Verdict::Skip),
    ("passes_when_the_child_really_exits_with_4", Verdict::Pass),
    (
        "fails_when_the_child_really_exits_with_5_but_4_is_expected",
        Verdict::Fail,
    ),
    ("passes_when_the_child_calls_process_exit_7", Verdict::Pass),
    (
        "nested::passes_from_a_module_with_a_real_exit",
        Verdict::Pass,
    ),
    (
        "passes_when_a_hook_for_its_label_sets_the_expected_code",
        Verdict::Pass,
    ),
    (
        "passes_when_the_child_panics_and_exits_with_1",
        Verdict::Pass,
    ),
    (
        "passes_with_the_package_name_as_its_default_label",
        Verdict::Pass,
    ),
    (
        "asynchronous::passes_when_the_async_app_ends_with_0",
        Verdict::Pass,
    ),
    (
        "asynchronous::fails_when_the_async_app_gets_sigterm_but_0_is_expected",
        Verdict::Fail,
    ),
    (
        "asynchronous::passes_when_an_async_hook_sets_the_expected_code",
        Verdict::Pass,
    ),
    (
        "asynchronous::passes_when_the_async_child_really_exits_with_4",
        Verdict::Pass,
    ),
];

/// The labels whose `pre_close` hook must have run: all but the ignored test's.
const CLOSED: [&str; 16] = [
    "ends_with_0",
    "err_expects_1",
    "set_code_3",
    "ends_with_2",
    "should_panic",
    "real_exit_4",
    "real_exit_5",
    "process_exit_7",
    "nested_real_exit",
    "hook_sets_6",
    "child_panics",
    "cement-test-fixture",
    "async_ends_with_0",
    "async_signalled",
    "async_hook_sets_6",
    "async_real_exit_4",
];

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Verdict {
    Pass,
    Fail,
    Skip,
}

fn fixture_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("cement-test-fixture")
}

/// Runs cargo with `args` on the fixture; the `pre_close` markers go to a fresh
/// folder named `markers`. Returns the combined output and the markers folder.
fn run_fixture(markers: &str, args: &[&str]) -> (String, PathBuf) {
    let tmp = Path::new(env!("CARGO_TARGET_TMPDIR"));
    let markers = tmp.join(markers);
    let _ = std::fs::remove_dir_all(&markers);
    std::fs::create_dir_all(&markers).unwrap();
    let manifest = fixture_dir().join("Cargo.toml");
    let output = Command::new(env!("CARGO"))
        .args(args)
        .arg("--manifest-path")
        .arg(&manifest)
        .arg("--target-dir")
        .arg(tmp.join("cement-test-fixture-target"))
        .args(["--locked", "--color", "never"])
        .env("CEMENT_FIXTURE_MARKERS", &markers)
        .env_remove("CARGO_TARGET_DIR")
        .env_remove("RUST_BACKTRACE")
        .output()
        .expect("run cargo on the fixture crate");
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    // Three tests must fail, so cargo must report failure.
    assert!(!output.status.success(), "{text}");
    (text, markers)
}

fn assert_verdicts(found: &BTreeMap<String, Verdict>, output: &str) {
    let expected: BTreeMap<String, Verdict> = VERDICTS
        .iter()
        .map(|(name, verdict)| ((*name).to_owned(), *verdict))
        .collect();
    assert_eq!(found, &expected, "{output}");
}

fn assert_closed(markers: &Path) {
    let mut found: Vec<String> = std::fs::read_dir(markers)
        .unwrap()
        .map(|entry| entry.unwrap().file_name().into_string().unwrap())
        .collect();
    found.sort();
    let mut expected = CLOSED.map(str::to_owned).to_vec();
    expected.sort();
    assert_eq!(found, expected);
}

fn assert_failure_messages(output: &str) {
    assert!(
        output.contains("the App closed with exit code 2, expected 0 (`expect_exit`)"),
        "{output}"
    );
    assert!(
        output.contains("the child process exited with 5, expected 4 (`expect_exit`)"),
        "{output}"
    );
    assert!(
        output.contains("the App closed with exit code 143, expected 0 (`expect_exit`)"),
        "{output}"
    );
    // The child's own output is shown: its close ran there.
    assert!(output.contains("--- child stdout ---"), "{output}");
    assert!(
        output.contains("pre_close hook ran for real_exit_5"),
        "{output}"
    );
}

#[test]
fn cargo_test_gives_every_cement_test_its_verdict() {
    let (output, markers) = run_fixture("markers-cargo-test", &["test"]);
    let mut found = BTreeMap::new();
    for line in output.lines() {
        let Some((name, verdict)) = line
            .strip_prefix("test ")
            .and_then(|rest| rest.split_once(" ... "))
        else {
            continue;
        };
        let verdict = match verdict {
            "ok" => Verdict::Pass,
            "FAILED" => Verdict::Fail,
            ignored if ignored.starts_with("ignored") => Verdict::Skip,
            _ => continue,
        };
        // libtest marks `#[should_panic]` tests so.
        let name = name.trim_end_matches(" - should panic");
        found.insert(name.to_owned(), verdict);
    }
    assert_verdicts(&found, &output);
    assert_failure_messages(&output);
    assert_closed(&markers);
}

/// Whether `cargo nextest` can run. Outside CI a machine without it skips that test
/// (and says so); under CI (`CI` set) it is required, so the test cannot pass by
/// being skipped.
fn nextest_available() -> bool {
    let found = Command::new(env!("CARGO"))
        .args(["nextest", "--version"])
        .output()
        .is_ok_and(|output| output.status.success());
    if !found {
        assert!(
            std::env::var_os("CI").is_none(),
            "CI must have cargo-nextest: `cargo install cargo-nextest --locked`"
        );
        eprintln!("skipped: cargo-nextest is not installed (`cargo install cargo-nextest`)");
    }
    found
}

#[test]
fn cargo_nextest_gives_every_cement_test_its_verdict() {
    if !nextest_available() {
        return;
    }
    let (output, markers) = run_fixture(
        "markers-nextest",
        &[
            "nextest",
            "run",
            "--no-fail-fast",
            "--status-level",
            "all",
            "--final-status-level",
            "none",
        ],
    );
    let mut found = BTreeMap::new();
    for line in output.lines() {
        let mut words = line.split_whitespace();
        let verdict = match words.next() {
            Some("PASS") => Verdict::Pass,
            Some("FAIL") => Verdict::Fail,
            Some("SKIP") => Verdict::Skip,
            _ => continue,
        };
        // `PASS [   0.004s] (3/9) cement-test-fixture NAME`
        if let Some(name) = line.split("cement-test-fixture ").nth(1) {
            found.insert(name.trim().to_owned(), verdict);
        }
    }
    assert_verdicts(&found, &output);
    assert_failure_messages(&output);
    assert_closed(&markers);
}
