#[cement::main(flavor = "current_thread")]
async fn main() {
    let handle = tokio::runtime::Handle::current();
    assert_eq!(handle.runtime_flavor(), tokio::runtime::RuntimeFlavor::CurrentThread);
}
