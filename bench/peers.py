"""The Python peers of cement's benchmarks; prints `name ns_per_item` lines.

Run by bench/compare.sh inside a throwaway virtualenv with cement (Cement 3) and
cleanupd installed. Each figure is the best of several runs, per item.
"""

import atexit
import contextlib
import logging
import sys
import time

from cement import App
from deso.cleanup import defer


def noop(*_args):
    pass


def per_item(n, run, repeat=5):
    """Best time of `run(n)` over `repeat` runs, in ns per item."""
    best = min(run(n) for _ in range(repeat))
    return best * 1e9 / n


class BenchApp(App):
    class Meta:
        label = "bench"
        exit_on_close = False
        config_files = []


def cement_close(n):
    app = BenchApp()
    app.setup()
    for _ in range(n):
        app.hook.register("pre_close", noop)
    start = time.perf_counter()
    app.close()
    return time.perf_counter() - start


def exit_stack(n):
    start = time.perf_counter()
    with contextlib.ExitStack() as stack:
        for _ in range(n):
            stack.callback(noop)
    return time.perf_counter() - start


def cleanup_defer(n):
    start = time.perf_counter()
    with defer() as d:
        for _ in range(n):
            d.defer(noop)
    return time.perf_counter() - start


def python_atexit(n):
    start = time.perf_counter()
    for _ in range(n):
        atexit.register(noop)
    atexit._run_exitfuncs()
    return time.perf_counter() - start


def python_atexit_with_state(n):
    # Python's way to give a handler state: arguments, kept in a tuple per handler.
    start = time.perf_counter()
    for i in range(n):
        atexit.register(noop, i)
    atexit._run_exitfuncs()
    return time.perf_counter() - start


def main():
    logging.disable(logging.CRITICAL)
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 100_000
    print(f"close_per_hook {per_item(n, cement_close, repeat=3):.1f}")
    print(f"defer_per_cleanup_exitstack {per_item(n, exit_stack):.1f}")
    print(f"defer_per_cleanup_cleanupd {per_item(n, cleanup_defer):.1f}")
    print(f"atexit_per_handler {per_item(n, python_atexit):.1f}")
    print(f"atexit_with_state_per_handler {per_item(n, python_atexit_with_state):.1f}")


if __name__ == "__main__":
    main()
