#[cement::main]
fn main() -> std::io::Result<()> {
    Ok(())
}
