#[cement::main]
#[tokio::main]
async fn main() {}
