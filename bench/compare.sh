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
#      `fn main` that spawns one thread;
#   4. build cost: a clean debug build of a hello world with #[cement::main] and one
#      #[cleanup], against the same program with a minimal attribute macro on syn's
#      `full` feature, alternately BUILD_RUNS times each (default 3; 0 skips it).
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

echo "== start-up, $startup_runs runs each" >&2
python3 - "$startup_runs" target/release/{plain_main,empty_cement_main,no_signals_main,thread_main} \
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

: > "$work/build.txt"
if [ "$build_runs" -gt 0 ]; then
  echo "== build cost, $build_runs clean builds each" >&2
  bash bench/build_cost.sh "$build_runs" "$work/build-cost" > "$work/build.txt"
fi

python3 - "$work" <<'PY'
import sys
work = sys.argv[1]
figures = {}
for name in ("python", "rust", "startup", "build"):
    for line in open(f"{work}/{name}.txt"):
        key, value = line.split()
        figures[(name, key)] = float(value)

rows = [
    ("close, per pre_close hook", "close_per_hook", "Cement 3.0.16 close", "close_per_hook", 50),
    ("Defer, register + run, per cleanup", "defer_per_cleanup", "contextlib.ExitStack", "defer_per_cleanup_exitstack", 30),
    ("Defer, register + run, per cleanup", "defer_per_cleanup", "cleanup package defer()", "defer_per_cleanup_cleanupd", 30),
    ("atexit, register + run, per handler", "atexit_per_handler", "Python atexit", "atexit_per_handler", 50),
    ("atexit, handler with state", "atexit_closure_per_handler", "atexit.register(f, i)", "atexit_with_state_per_handler", None),
]
print(f"{'figure':38} {'cement':>10} {'peer':>10}  {'peer / cement':>13}  {'target':13} peer")
for label, ours, peer_name, theirs, target in rows:
    a, b = figures[("rust", ours)], figures[("python", theirs)]
    goal = "" if target is None else f"<{target}ns {'met' if a < target else 'MISSED'}"
    print(f"{label:38} {a:8.1f}ns {b:8.1f}ns  {b / a:12.1f}x  {goal:13} {peer_name}")
p = figures[("startup", "startup_plain_main_us")]
for label, key, note in (
    ("start-up, empty #[cement::main]", "empty_cement_main", "target < 1.10x"),
    ("  the same, catch_signals = false", "no_signals_main", "no watcher thread"),
    ("  plain fn main spawning one thread", "thread_main", "the thread alone"),
):
    c = figures[("startup", f"startup_{key}_us")]
    print(f"{label:38} {c:8.0f}us {p:8.0f}us  {c / p:12.3f}x  (/ plain fn main; {note})")
if ("build", "build_cement_s") in figures:
    c, s = figures[("build", "build_cement_s")], figures[("build", "build_synfull_s")]
    print(f"{'clean debug build, hello world':38} {c:9.2f}s {s:9.2f}s  {c / s:12.3f}x  (cement / syn-full macro; target <= 1.00x)")
PY
