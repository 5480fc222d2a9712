//! trybuild cases for the `tokio` feature; see `tests/ui.rs`.
