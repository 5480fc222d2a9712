//! Attribute macros for [`cement`](https://docs.rs/cement). Depend on `cement`, which
//! re-exports them; this crate is an implementation detail.
