//! `#[cement::hook]` and `#[cleanup]`: the function, unchanged, and its registration.
//!
//! ```text
//! fn remove_tmp_file(app: &App) -> io::Result<()> { .. }
//! const __CEMENT_HOOK_remove_tmp_file: () = { ::cement::__private::inventory::submit! {
//!     ::cement::__private::DeclaredHook::new(
//!         ::cement::Hook::PreClose, 0,
//!         ::core::concat!(::core::module_path!(), "::", "remove_tmp_file"),
//!         ::core::option::Option::None,
//!         |app, signal| ::cement::__private::Outcome::into_outcome(remove_tmp_file(app)),
//!     )
//!     .at(::core::file!(), ::core::line!(), ::core::column!())
//! } };
//! ```
//!
//! The path (module path and name) orders hooks of equal weight (SPEC §3); the
//! attribute's location breaks a tie between two hooks with one path.

use proc_macro2::{Ident, Span, TokenStream};
use quote::{format_ident, quote};

use crate::options::HookOptions;
use crate::signature::{Params, Signature};

pub(crate) fn expand(
    options: &HookOptions,
    name: &Ident,
    signature: &Signature,
    item: TokenStream,
) -> TokenStream {
    let runtime = &options.runtime;
    let point = Ident::new(options.point.variant(), Span::call_site());
    let weight = options.weight;
    let path_name = name.to_string();
    let app = match &options.app {
        Some(label) => quote!(::core::option::Option::Some(#label)),
        None => quote!(::core::option::Option::None),
    };
    let call = match signature.params {
        Params::None => quote!(#name()),
        Params::App => quote!(#name(app)),
        Params::AppAndSignal => {
            quote!(#name(app, #runtime::__private::delivered_signal(signal)))
        }
    };
    let (new, outcome) = if signature.is_async.is_some() {
        let outcome = quote!(#runtime::__private::Outcome::into_outcome(#call.await));
        (
            quote!(new_async),
            quote!(::std::boxed::Box::pin(async move { #outcome })),
        )
    } else {
        (
            quote!(new),
            quote!(#runtime::__private::Outcome::into_outcome(#call)),
        )
    };
    let outcome = signature.at_output(outcome);
    // A named const rather than `const _`, which is not allowed in an impl block: a
    // function there (not detectable from its syntax when it has no `self`) then gets
    // one error, that its name is not in scope, instead of two.
    let registration = format_ident!("__CEMENT_HOOK_{}", name);
    // A `signal` hook gets the signal; an async hook's wrapper takes only the App.
    let closure = if signature.is_async.is_some() {
        quote!(|app| #outcome,)
    } else {
        quote!(|app, signal| {
            let _ = signal;
            #outcome
        },)
    };
    quote! {
        #item
        #[doc(hidden)]
        #[allow(dead_code, non_upper_case_globals)]
        const #registration: () = {
        #runtime::__private::inventory::submit! {
            #runtime::__private::DeclaredHook::#new(
                #runtime::Hook::#point,
                #weight,
                ::core::concat!(::core::module_path!(), "::", #path_name),
                #app,
                #closure
            )
            .at(::core::file!(), ::core::line!(), ::core::column!())
        }
        };
    }
}
