//! Benchmarks for cement live in `benches/` (`cargo bench -p cement-bench`); the
//! programs in `src/bin/` are timed as whole processes by `bench/compare.sh`.
