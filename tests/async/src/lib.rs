//! Process-level tests of cement's `tokio` feature. The fixtures in `src/bin/` are
//! async programs; the tests in `tests/` run them with `cement_tests`' helpers.
