//! Attribute macros for [`cement`](https://docs.rs/cement). Depend on `cement`, which
//! re-exports them and documents them (with examples that compile); this crate is an
//! implementation detail.
//!
//! Each attribute goes through the same steps, each failing with a `syn::Error` at
//! the offending token:
//!
//! - `options`: what is between the attribute's parentheses;
//! - `function`: the function item it is put on;
//! - `signature`: whether the attribute accepts that function;
//! - `hook`, `main_fn`, `test_fn`: the expansion.
//!
//! On an error the item is still emitted beside the error (and, for `main`, a `fn
//! main`), so the compiler reports that error alone.

#![warn(missing_docs)]

mod function;
mod hook;
mod main_fn;
mod options;
mod signature;
mod test_fn;

use proc_macro::TokenStream;
use quote::quote;

use crate::options::AttributeKind;

/// `#[cement::main]`: `fn main` run inside an App.
///
/// Defined in `cement-macros` and re-exported by `cement`, the crate to depend on,
/// which documents it with examples: [`cement::main`](https://docs.rs/cement/0.1/cement/attr.main.html).
#[proc_macro_attribute]
pub fn main(args: TokenStream, item: TokenStream) -> TokenStream {
    expand_main(args.into(), item.into()).into()
}

/// `#[cement::hook]`: a hook declared for a point of an App's life.
///
/// Defined in `cement-macros` and re-exported by `cement`, the crate to depend on,
/// which documents it with examples: [`cement::hook`](https://docs.rs/cement/0.1/cement/attr.hook.html).
#[proc_macro_attribute]
pub fn hook(args: TokenStream, item: TokenStream) -> TokenStream {
    expand_hook(AttributeKind::Hook, args.into(), item.into()).into()
}

/// `#[cleanup]`: a close hook.
///
/// Defined in `cement-macros` and re-exported by `cement`, the crate to depend on,
/// which documents it with examples: [`cement::cleanup`](https://docs.rs/cement/0.1/cement/attr.cleanup.html).
#[proc_macro_attribute]
pub fn cleanup(args: TokenStream, item: TokenStream) -> TokenStream {
    expand_hook(AttributeKind::Cleanup, args.into(), item.into()).into()
}

/// `#[cement::test]`: a test run inside an App.
///
/// Defined in `cement-macros` and re-exported by `cement`, the crate to depend on,
/// which documents it with examples: [`cement::test`](https://docs.rs/cement/0.1/cement/attr.test.html).
#[proc_macro_attribute]
pub fn test(args: TokenStream, item: TokenStream) -> TokenStream {
    expand_test(args.into(), item.into()).into()
}

type Tokens = proc_macro2::TokenStream;

fn expand_hook(kind: AttributeKind, args: Tokens, item: Tokens) -> Tokens {
    let options = options::parse_hook(kind, args);
    let function = function::parse(kind, item.clone());
    let checked = match (options, function) {
        (Ok(options), Ok(function)) => signature::check(kind, Some(options.point), &function)
            .map(|signature| hook::expand(&options, &function.name, &signature, item.clone())),
        (options, function) => Err(first_errors([options.err(), function.err()])),
    };
    checked.unwrap_or_else(|error| with_item(error, item))
}

/// The error, and the item as it was: nothing calls it now, hence the `allow`.
fn with_item(error: syn::Error, item: Tokens) -> Tokens {
    let error = error.to_compile_error();
    quote!(#error #[allow(dead_code)] #item)
}

fn expand_test(args: Tokens, item: Tokens) -> Tokens {
    let kind = AttributeKind::Test;
    let options = options::parse_test(args);
    let function = function::parse(kind, item.clone());
    let checked = match (options, function) {
        (Ok(options), Ok(function)) => signature::check(kind, None, &function)
            .map(|signature| test_fn::expand(&options, &function, &signature)),
        (options, function) => Err(first_errors([options.err(), function.err()])),
    };
    checked.unwrap_or_else(|error| with_item(error, item))
}

fn expand_main(args: Tokens, item: Tokens) -> Tokens {
    let kind = AttributeKind::Main;
    let options = options::parse_main(args);
    let function = function::parse(kind, item);
    let signature = function
        .as_ref()
        .ok()
        .map(|function| signature::check(kind, None, function));
    match (options, &function, signature) {
        (Ok(options), Ok(function), Some(Ok(signature))) => {
            main_fn::expand(&options, function, &signature).unwrap_or_else(|error| {
                let error = error.to_compile_error();
                let fallback = main_fn::fallback(Some(function));
                quote!(#error #fallback)
            })
        }
        (options, _, signature) => {
            let error = first_errors([
                options.err(),
                function.as_ref().err().cloned(),
                signature.and_then(Result::err),
            ])
            .to_compile_error();
            let fallback = main_fn::fallback(function.as_ref().ok());
            quote!(#error #fallback)
        }
    }
}

/// The errors found, combined; at least one is there.
fn first_errors<const N: usize>(errors: [Option<syn::Error>; N]) -> syn::Error {
    let mut errors = errors.into_iter().flatten();
    let mut first = errors.next().expect("called with an error");
    for error in errors {
        first.combine(error);
    }
    first
}
