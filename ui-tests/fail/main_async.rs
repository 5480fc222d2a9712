async fn work() {}

#[cement::main]
async fn main() {
    work().await;
}
