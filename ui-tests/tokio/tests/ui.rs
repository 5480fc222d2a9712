//! The attributes with cement's `tokio` feature: compile-fail cases (one per misuse,
//! with the reviewed error in `.stderr`) and pass cases (every accepted async form).
//! Paths are relative to this package's directory.

#[test]
fn ui() {
    let cases = trybuild::TestCases::new();
    cases.compile_fail("fail/*.rs");
    cases.pass("pass/*.rs");
}
