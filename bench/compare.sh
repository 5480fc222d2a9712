#!/usr/bin/env bash
# cement against its peers, measured in one run, printed as ratios (SPEC §6).
#
#   bench/compare.sh [N]
#
# N items per figure (default 100000). Steps:
#   1. the Python peers (Cement 3.0.16, contextlib.ExitStack, the `cleanup` package,
#      atexit) in a throwaway virtualenv under target/compare/;
#   2. the same workloads in Rust (bench/src/bin/peers.rs, release build);
#   3. start-up: an empty #[cement::main] program against a plain `fn main`, run
#      alternately STARTUP_RUNS times each (default 300), with two programs that
#      split the difference: cement without its signal-watching thread, and a plain
#      `fn main` that spawns one thread; and the same for an empty async
#      #[cement::main] against #[tokio::main], with and without the watcher;
#   4. size: stripped copies of the release builds of the empty #[cement::main] and
#      the plain `fn main`;
#   5. build cost: a clean debug build of a hello world with #[cement::main] and one
#      #[cleanup], against the same program with a minimal attribute macro on syn's
#      `full` feature, alternately BUILD_RUNS times each (default 3; 0 skips it).
#
# Then one table: every SPEC §6 figure with its peer, its target and whether this run
# met it; the same rows as Markdown, for the README, in target/compare/table.md.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
work="$root/target/compare"
n=${1:-100000}
startup_runs=${STARTUP_RUNS:-300}
build_runs=${BUILD_RUNS:-3}
mkdir -p "$work"
cd "$root"

echo "== Python peers (virtualenv in $work/venv)" >&2
if [ ! -x "$work/venv/bin/python" ]; then
  python3 -m venv "$work/venv"
  "$work/venv/bin/pip" install -q cement==3.0.16 cleanupd==0.9.0.2
fi
"$work/venv/bin/python" bench/peers.py "$n" > "$work/python.txt"

echo "== cement (release build)" >&2
cargo build -q --release -p cement-bench --bins
target/release/peers "$n" > "$work/rust.txt"
# atexit runs once per process: keep the best of five processes per figure.
for mode in atexit atexit-closure; do
  for _ in 1 2 3 4 5; do target/release/peers "$mode" "$n"; done | sort -k2 -g | sed -n 1p
done >> "$work/rust.txt"

echo "== async (release build of cement-bench-async, the tokio feature on)" >&2
cargo build -q --release -p cement-bench-async --bins
target/release/async_peers "$n" >> "$work/rust.txt"

echo "== start-up, $startup_runs runs each" >&2
python3 - "$startup_runs" target/release/{plain_main,empty_cement_main,no_signals_main,thread_main,tokio_main,empty_async_cement_main,no_signals_async_main} \
  > "$work/startup.txt" <<'PY'
import statistics, subprocess, sys, time
runs, exes = int(sys.argv[1]), sys.argv[2:]
times = {exe: [] for exe in exes}
for _ in range(runs):
    for exe in exes:
        start = time.perf_counter()
        subprocess.run([exe], check=True)
        times[exe].append(time.perf_counter() - start)
for exe in exes:
    name = exe.rsplit("/", 1)[-1]
    print(f"startup_{name}_us {statistics.median(times[exe]) * 1e6:.1f}")
PY

echo "== size, stripped release binaries" >&2
mkdir -p "$work/size"
for exe in plain_main empty_cement_main; do
  strip -o "$work/size/$exe" "target/release/$exe"
  echo "size_${exe}_bytes $(wc -c < "$work/size/$exe")"
done > "$work/size.txt"

: > "$work/build.txt"
if [ "$build_runs" -gt 0 ]; then
  echo "== build cost, $build_runs clean builds each" >&2
  bash bench/build_cost.sh "$build_runs" "$work/build-cost" > "$work/build.txt"
fi

python3 - "$work" <<'PY'
import sys
from collections import namedtuple

work = sys.argv[1]
figures = {}
for name in ("python", "rust", "startup", "size", "build"):
    for line in open(f"{work}/{name}.txt"):
        key, value = line.split()
        figures[f"{name}:{key}"] = float(value)

# One row per figure: `ours` and `theirs` name measured values (file:key), `scale`
# and `unit` how they print. `compare` says how the two are set side by side and what
# `target` bounds:
#   "faster"  peer / cement is shown; the target bounds cement's own time (< target)
#   "ratio"   cement / peer is shown and bounded (<= target)
#   "delta"   cement - peer is shown and bounded (<= target)
# A `target` of None makes a row for reference. A row whose values were not measured
# (BUILD_RUNS=0, a figure whose program does not exist yet) says so, so rows can be
# added before their measurement lands.
Row = namedtuple("Row", "figure ours theirs peer compare target unit scale")
KIB = 1 / 1024
ROWS = [
    Row("close, per pre_close hook", "rust:close_per_hook", "python:close_per_hook",
        "Cement 3.0.16", "faster", 10, "ns", 1),
    Row("Defer register + run, per cleanup", "rust:defer_per_cleanup",
        "python:defer_per_cleanup_exitstack", "contextlib.ExitStack", "faster", 15, "ns", 1),
    Row("Defer register + run, per cleanup", "rust:defer_per_cleanup",
        "python:defer_per_cleanup_cleanupd", "cleanup package", "faster", 15, "ns", 1),
    Row("atexit register + run, per handler", "rust:atexit_per_handler",
        "python:atexit_per_handler", "atexit.register(f)", "faster", 30, "ns", 1),
    Row("atexit, a handler with state", "rust:atexit_closure_per_handler",
        "python:atexit_with_state_per_handler", "atexit.register(f, i)", "faster", None,
        "ns", 1),
    Row("start-up, empty #[cement::main]", "startup:startup_empty_cement_main_us",
        "startup:startup_plain_main_us", "plain fn main", "ratio", 1.03, "us", 1),
    Row("  the same, catch_signals = false", "startup:startup_no_signals_main_us",
        "startup:startup_plain_main_us", "plain fn main", "ratio", 1.03, "us", 1),
    Row("  plain fn main spawning one thread", "startup:startup_thread_main_us",
        "startup:startup_plain_main_us", "plain fn main", "ratio", None, "us", 1),
    Row("close, per async pre_close hook", "rust:async_close_per_hook", None,
        "no peer has async close hooks", "faster", 100, "ns", 1),
    Row("start-up, empty async #[cement::main]", "startup:startup_empty_async_cement_main_us",
        "startup:startup_tokio_main_us", "#[tokio::main]", "ratio", 1.03, "us", 1),
    Row("  the same, catch_signals = false", "startup:startup_no_signals_async_main_us",
        "startup:startup_tokio_main_us", "#[tokio::main]", "ratio", 1.03, "us", 1),
    Row("stripped release binary, empty main", "size:size_empty_cement_main_bytes",
        "size:size_plain_main_bytes", "plain fn main", "delta", 64, "KiB", KIB),
    Row("clean debug build, hello world", "build:build_cement_s", "build:build_synfull_s",
        "syn-full macro", "ratio", 0.8, "s", 1),
]


def amount(value, unit):
    digits = {"ns": 1, "us": 0, "KiB": 1, "s": 2}[unit]
    return f"{value:,.{digits}f} {unit}".replace(",", " ")


def judge(row):
    """(cement, peer, comparison, target, verdict), as printed."""
    if row.ours not in figures or (row.theirs and row.theirs not in figures):
        return ("not measured", "", "", "", "")
    ours = figures[row.ours] * row.scale
    # A row without a peer bounds cement's own figure.
    theirs = figures[row.theirs] * row.scale if row.theirs else None
    if theirs is None:
        shown, measure = "", ours
    elif row.compare == "faster":
        shown, measure = f"{theirs / ours:,.0f}x faster".replace(",", " "), ours
    elif row.compare == "delta":
        shown, measure = f"+{amount(ours - theirs, row.unit)}", ours - theirs
    else:
        shown, measure = f"{ours / theirs:.3f}x", ours / theirs
    printed = (amount(ours, row.unit), amount(theirs, row.unit) if theirs else "", shown)
    if row.target is None:
        return printed + ("", "")
    if row.compare == "faster":
        target, met = f"< {row.target} {row.unit}", measure < row.target
    elif row.compare == "delta":
        target, met = f"<= +{row.target} {row.unit}", measure <= row.target
    else:
        target, met = f"<= {row.target:.2f}x", measure <= row.target
    return printed + (target, "met" if met else "MISSED")


results = [(row, judge(row)) for row in ROWS]
print(f"{'figure':36} {'cement':>12} {'peer':>12}  {'compared':20} {'target':12} {'':6} peer")
for row, (ours, theirs, shown, target, verdict) in results:
    print(f"{row.figure:36} {ours:>12} {theirs:>12}  {shown:20} {target:12} {verdict:6} {row.peer}")
judged = [verdict for _, (_, _, _, _, verdict) in results if verdict]
print(f"targets met: {judged.count('met')} of {len(judged)}")

with open(f"{work}/table.md", "w") as md:
    md.write("| figure | cement | peer | compared | SPEC §6 target |\n|---|---|---|---|---|\n")
    for row, (ours, theirs, shown, target, verdict) in results:
        peer = f"{theirs}, {row.peer}" if theirs else row.peer
        goal = f"{target}, {verdict}" if target else ""
        line = f"| {row.figure.strip()} | {ours} | {peer} | {shown} | {goal} |\n"
        md.write(line.replace(" us", " µs"))
PY
