//! Programs and benchmarks for `bench/compare.sh`'s async rows (SPEC §6).
