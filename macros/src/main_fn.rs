//! `#[cement::main]`: a `main` that hands the user's function to the runtime.
//!
//! ```text
//! fn main() -> ::std::process::ExitCode {
//!     fn __cement_main(app: &App) -> Result<(), MyError> { /* the body */ }
//!     ::cement::__private::run_main(
//!         ::cement::__private::MainOptions {
//!             label: "myapp", exit_on_close: true, catch_signals: true,
//!             close_deadline: None, shutdown_grace: None, notify_ready: true,
//!         },
//!         |app| __cement_main(app),
//!     )
//! }
//! ```
//!
//! The user's function keeps its attributes and docs; only its name changes, so it
//! cannot collide with the generated `main`.

use proc_macro2::{Ident, TokenStream};
use quote::quote;

use crate::function::Function;
use crate::options::{self, MainOptions};
use crate::signature::{Params, Signature};

pub(crate) fn expand(
    options: &MainOptions,
    function: &Function,
    signature: &Signature,
) -> syn::Result<TokenStream> {
    if signature.is_async.is_none() {
        let runtime_option = options
            .current_thread
            .map(|(_, span)| ("flavor", span))
            .or(options
                .worker_threads
                .map(|(_, span)| ("worker_threads", span)));
        if let Some((name, span)) = runtime_option {
            return Err(syn::Error::new(
                span,
                format!("`{name}` applies to `async fn main` only; remove it or make `main` async"),
            ));
        }
    }
    let runtime = &options.runtime;
    let label = options::label_or_package_name(options.label.as_ref());
    let exit_on_close = options.exit_on_close;
    let catch_signals = options.catch_signals;
    let notify_ready = options.notify_ready;
    // Through `CloseDeadline`, so that a program without a deadline links no watchdog.
    let close_deadline = match options.close_deadline_ms {
        Some(ms) => {
            let ms = u64::try_from(ms).expect("options checked it is positive");
            quote!(::core::option::Option::Some(#runtime::__private::CloseDeadline::new(
                ::core::time::Duration::from_millis(#ms)
            )))
        }
        None => quote!(::core::option::Option::None),
    };
    let shutdown_grace = millis(options.shutdown_grace_ms);
    let vis = &function.vis;
    let body_fn = renamed(function);
    let body_name = body_name(function);
    let call = match signature.params {
        Params::None => quote!(#body_name()),
        Params::App | Params::AppAndSignal => quote!(#body_name(app)),
    };
    let main_options = quote! {
        #runtime::__private::MainOptions {
            label: #label,
            exit_on_close: #exit_on_close,
            catch_signals: #catch_signals,
            close_deadline: #close_deadline,
            shutdown_grace: #shutdown_grace,
            notify_ready: #notify_ready,
        }
    };
    let run_main = if signature.is_async.is_some() {
        let current_thread = matches!(options.current_thread, Some((true, _)));
        let worker_threads = match options.worker_threads {
            Some((threads, _)) => {
                let threads = usize::try_from(threads).expect("options checked it is positive");
                quote!(::core::option::Option::Some(#threads))
            }
            None => quote!(::core::option::Option::None),
        };
        quote! {
            #runtime::__private::run_async_main(
                #main_options,
                #runtime::__private::RuntimeOptions {
                    current_thread: #current_thread,
                    worker_threads: #worker_threads,
                },
                |app| {
                    let _ = app;
                    ::std::boxed::Box::pin(#call)
                },
            )
        }
    } else {
        quote! {
            #runtime::__private::run_main(
                #main_options,
                |app| {
                    let _ = app;
                    #call
                },
            )
        }
    };
    let run_main = signature.at_output(run_main);
    Ok(quote! {
        #vis fn main() -> ::std::process::ExitCode {
            #body_fn
            #run_main
        }
    })
}

/// `Option<Duration>` from an option in milliseconds.
fn millis(ms: Option<i32>) -> TokenStream {
    match ms {
        Some(ms) => {
            let ms = u64::try_from(ms).expect("options checked it is positive");
            quote!(::core::option::Option::Some(::core::time::Duration::from_millis(#ms)))
        }
        None => quote!(::core::option::Option::None),
    }
}

/// What to emit for a `#[cement::main]` that has an error: a `main` that does nothing,
/// so rustc does not add "main function not found", holding the user's function (when
/// it parsed) so its body is still checked and its imports still used.
pub(crate) fn fallback(function: Option<&Function>) -> TokenStream {
    let body_fn = function
        .filter(|function| {
            function.qualifiers.is_empty()
                && function
                    .params
                    .iter()
                    .all(|param| matches!(param, crate::function::Param::Typed(_)))
        })
        .map(|function| {
            let body_fn = renamed(function);
            quote!(#[allow(dead_code)] #body_fn)
        });
    quote! {
        fn main() {
            #body_fn
        }
    }
}

fn body_name(function: &Function) -> Ident {
    Ident::new("__cement_main", function.name.span())
}

/// The user's function under the private name, with its attributes.
fn renamed(function: &Function) -> TokenStream {
    let attrs = &function.attrs;
    let body_fn = function.renamed(&body_name(function));
    quote!(#(#attrs)* #body_fn)
}
