//! trybuild cases for cement's attributes live in `fail/` and `pass/`; `tests/ui.rs`
//! runs them.
