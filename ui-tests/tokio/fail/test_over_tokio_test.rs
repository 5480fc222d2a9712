#[cement::test]
#[tokio::test]
async fn stacked() {}

fn main() {}
