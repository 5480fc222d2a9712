//! `#[cement::test]`: a `#[test]` that runs the user's function in an App and checks
//! the App's exit code.
//!
//! ```text
//! #[test]
//! fn removes_tmp_file() {
//!     fn __cement_test(app: &App) { /* the body */ }
//!     ::cement::__private::run_test(
//!         ::cement::__private::TestOptions {
//!             label: "myapp", exit_on_close: false, expect_exit: 0,
//!             path: ::core::concat!(::core::module_path!(), "::", "removes_tmp_file"),
//!         },
//!         |app| __cement_test(app),
//!     )
//! }
//! ```
//!
//! The user's attributes (`#[should_panic]`, `#[ignore]`, docs) stay on the test.

use proc_macro2::{Ident, TokenStream};
use quote::quote;

use crate::function::Function;
use crate::options::{self, TestOptions};
use crate::signature::{Params, Signature};

pub(crate) fn expand(
    options: &TestOptions,
    function: &Function,
    signature: &Signature,
) -> TokenStream {
    let runtime = &options.runtime;
    let label = options::label_or_package_name(options.label.as_ref());
    let exit_on_close = options.exit_on_close;
    let expect_exit = options.expect_exit;
    let Function {
        attrs, vis, name, ..
    } = function;
    let path_name = name.to_string();
    let body_name = Ident::new("__cement_test", name.span());
    let body_fn = function.renamed(&body_name);
    let call = match signature.params {
        Params::None => quote!(#body_name()),
        Params::App | Params::AppAndSignal => quote!(#body_name(app)),
    };
    let (run, call) = if signature.is_async.is_some() {
        (
            quote!(run_async_test),
            quote!(::std::boxed::Box::pin(#call)),
        )
    } else {
        (quote!(run_test), call)
    };
    let run_test = signature.at_output(quote! {
        #runtime::__private::#run(
            #runtime::__private::TestOptions {
                label: #label,
                exit_on_close: #exit_on_close,
                expect_exit: #expect_exit,
                path: ::core::concat!(::core::module_path!(), "::", #path_name),
            },
            |app| {
                let _ = app;
                #call
            },
        )
    });
    quote! {
        #[::core::prelude::v1::test]
        #(#attrs)*
        #vis fn #name() {
            #body_fn
            #run_test
        }
    }
}
