//! `#[cement::hook]` and `#[cleanup]`: the function, unchanged, and its registration.
//!
//! ```text
//! fn remove_tmp_file(app: &App) -> io::Result<()> { .. }
//! const __CEMENT_HOOK_remove_tmp_file: () = { ::cement::__private::inventory::submit! {
//!     ::cement::__private::DeclaredHook::new(
//!         ::cement::Hook::PreClose, 0,
//!         ::core::concat!(::core::module_path!(), "::", "remove_tmp_file"),
//!         ::core::option::Option::None,
//!         |app, signal| match ::cement::__private::Outcome::into_result(remove_tmp_file(app)) {
//!             Ok(()) => Ok(()),
//!             Err(error) => {
//!                 use ::cement::__private::{ViaDebug as _, ViaDisplay as _, ..};
//!                 let kind =
//!                     (&&&&::cement::__private::ErrorMessage(&error)).cement_message_kind();
//!                 Err(kind.report_message(&error))
//!             }
//!         },
//!     )
//!     .at(::core::file!(), ::core::line!(), ::core::column!())
//! } };
//! ```
//!
//! The path (module path and name) orders hooks of equal weight; the attribute's
//! location breaks a tie between two hooks with one path. The error's report
//! message (its `source()` chain, its `Display`, or its `Debug`) is chosen
//! here, where its type is known, by autoref specialisation (see
//! `cement::__private::ErrorMessage`); a hook returning `()` just returns `Ok(())`.

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
        let message = report_message(runtime, signature, &quote!(#call.await));
        (
            quote!(new_async),
            quote!(::std::boxed::Box::pin(async move { #message })),
        )
    } else {
        (quote!(new), report_message(runtime, signature, &call))
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

/// The hook's result as `Result<(), String>`, the `String` being the error's report
/// message. `Outcome::into_result` checks that the error is `Debug` (the error that
/// points at the return type when it is not); the autoref chain then picks the
/// message's form for the concrete error type.
fn report_message(runtime: &TokenStream, signature: &Signature, call: &TokenStream) -> TokenStream {
    if !signature.returns_result {
        return quote! {{
            #call;
            ::core::result::Result::Ok(())
        }};
    }
    let private = quote!(#runtime::__private);
    quote! {
        match #private::Outcome::into_result(#call) {
            ::core::result::Result::Ok(()) => ::core::result::Result::Ok(()),
            ::core::result::Result::Err(error) => {
                #[allow(unused_imports)]
                use #private::{
                    ViaDebug as _, ViaDisplay as _, ViaDynError as _, ViaErrorChain as _,
                };
                let kind = (&&&&#private::ErrorMessage(&error)).cement_message_kind();
                ::core::result::Result::Err(kind.report_message(&error))
            }
        }
    }
}
