//! The baseline for async start-up: the same empty program under `#[tokio::main]`.

#[tokio::main]
async fn main() {}
