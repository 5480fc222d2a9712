#[cement::test]
async fn closes_cleanly() {}

fn main() {}
