#[cement::test]
fn closes_cleanly(label: &str) {
    let _ = label;
}

fn main() {}
