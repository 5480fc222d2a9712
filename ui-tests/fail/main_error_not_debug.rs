struct Opaque;

#[cement::main]
fn main() -> Result<(), Opaque> {
    Ok(())
}
