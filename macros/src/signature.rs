//! Which functions each attribute accepts, decided from the syntax alone (SPEC §3):
//! no qualifiers, no generics, no receiver; parameters none or `&App` (signal hooks:
//! `(&App, Signal)`); a return type that is absent, `()`, or a path whose last segment
//! is `Result`. Each refusal is one error at the offending token.

use proc_macro2::{Group, Span, TokenStream, TokenTree};
use syn::spanned::Spanned;
use syn::{GenericParam, ReturnType, Type};

use crate::function::{Function, Param};
use crate::options::{AttributeKind, Point};

/// The parameters an accepted function takes, in order.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum Params {
    None,
    App,
    AppAndSignal,
}

/// An accepted function's shape, as the expansion needs it.
pub(crate) struct Signature {
    pub params: Params,
    /// Where the return type is written (or the name, when it is absent): the span
    /// of errors about what it returns, such as an `E` that is not `Debug`.
    pub output_span: Span,
}

impl Signature {
    /// `tokens` with every span set to the return type's, so that a type error about
    /// what the function returns (an `E` that is not `Debug`) is reported there.
    pub(crate) fn at_output(&self, tokens: TokenStream) -> TokenStream {
        respan(tokens, self.output_span)
    }
}

fn respan(tokens: TokenStream, span: Span) -> TokenStream {
    tokens
        .into_iter()
        .map(|mut tree| {
            if let TokenTree::Group(group) = &tree {
                let mut respanned = Group::new(group.delimiter(), respan(group.stream(), span));
                respanned.set_span(span);
                return TokenTree::Group(respanned);
            }
            tree.set_span(span);
            tree
        })
        .collect()
}

/// Checks `function` for `kind`; `point` is the hook point, for hooks.
pub(crate) fn check(
    kind: AttributeKind,
    point: Option<Point>,
    function: &Function,
) -> syn::Result<Signature> {
    let name = kind.display();
    if kind == AttributeKind::Main && function.name != "main" {
        return Err(syn::Error::new(
            function.name.span(),
            format!(
                "`{name}` applies to `fn main` only; this function is named `{}`",
                function.name
            ),
        ));
    }
    if kind == AttributeKind::Test
        && let Some(test) = function
            .attrs
            .iter()
            .find(|attr| attr.path().is_ident("test"))
    {
        return Err(syn::Error::new_spanned(
            test,
            "`#[cement::test]` adds `#[test]` itself; remove this one",
        ));
    }
    if let Some((keyword, span)) = function.qualifiers.first() {
        return Err(syn::Error::new(
            *span,
            format!("`{name}` does not accept `{keyword}` functions; remove `{keyword}`"),
        ));
    }
    if let Some(param) = function.generics.params.first() {
        let what = match param {
            GenericParam::Lifetime(_) => "lifetime",
            GenericParam::Type(_) => "type",
            GenericParam::Const(_) => "const",
        };
        return Err(syn::Error::new(
            param.span(),
            format!("`{name}` does not accept generic functions; remove the {what} parameter"),
        ));
    }
    if let Some(where_clause) = &function.generics.where_clause {
        return Err(syn::Error::new(
            where_clause.where_token.span,
            format!("`{name}` does not accept functions with a where clause"),
        ));
    }
    if let Some(span) = function.variadic {
        return Err(syn::Error::new(
            span,
            format!("`{name}` does not accept variadic functions"),
        ));
    }
    let params = check_params(kind, point, function)?;
    let output_span = check_output(kind, &function.output)?.unwrap_or(function.name.span());
    Ok(Signature {
        params,
        output_span,
    })
}

fn check_params(
    kind: AttributeKind,
    point: Option<Point>,
    function: &Function,
) -> syn::Result<Params> {
    let name = kind.display();
    let signal_hook = point == Some(Point::Signal);
    let accepted = if signal_hook {
        "`signal` hooks take `(&App, Signal)`"
    } else if kind == AttributeKind::Main {
        "`#[cement::main]` takes no parameters or one `&App`"
    } else if kind == AttributeKind::Test {
        "`#[cement::test]` takes no parameters or one `&App`"
    } else {
        "hooks take no parameters or one `&App` (`signal` hooks: `(&App, Signal)`)"
    };
    let mut types = Vec::new();
    for param in &function.params {
        match param {
            Param::Receiver(tokens) => {
                return Err(syn::Error::new_spanned(
                    tokens,
                    format!("`{name}` applies to free functions; methods are not supported"),
                ));
            }
            Param::Typed(ty) => types.push(ty),
        }
    }
    let max = if signal_hook { 2 } else { 1 };
    if let Some(extra) = types.get(max) {
        return Err(syn::Error::new_spanned(
            extra,
            format!("too many parameters: {accepted}"),
        ));
    }
    if let Some(app) = types.first()
        && !is_app_reference(app)
    {
        return Err(syn::Error::new_spanned(
            app,
            format!("expected `&App` here: {accepted}"),
        ));
    }
    if let Some(signal) = types.get(1)
        && !is_path_ending_in(signal, "Signal")
    {
        return Err(syn::Error::new_spanned(
            signal,
            format!("expected `Signal` here: {accepted}"),
        ));
    }
    match (signal_hook, types.len()) {
        (false, 0) => Ok(Params::None),
        (false, _) => Ok(Params::App),
        (true, 2) => Ok(Params::AppAndSignal),
        (true, _) => Err(syn::Error::new(
            function.paren.span.join(),
            format!("missing parameters: {accepted}"),
        )),
    }
}

/// `&App`, `&'_ App`, `&cement::App`: a shared reference to a path ending in `App`.
fn is_app_reference(ty: &Type) -> bool {
    match ty {
        Type::Reference(reference) => {
            reference.mutability.is_none()
                && reference
                    .lifetime
                    .as_ref()
                    .is_none_or(|lifetime| lifetime.ident == "_")
                && is_path_ending_in(&reference.elem, "App")
        }
        Type::Group(group) => is_app_reference(&group.elem),
        Type::Paren(paren) => is_app_reference(&paren.elem),
        _ => false,
    }
}

fn is_path_ending_in(ty: &Type, last: &str) -> bool {
    match ty {
        Type::Path(path) => {
            path.qself.is_none()
                && path
                    .path
                    .segments
                    .last()
                    .is_some_and(|segment| segment.ident == last)
        }
        Type::Group(group) => is_path_ending_in(&group.elem, last),
        Type::Paren(paren) => is_path_ending_in(&paren.elem, last),
        _ => false,
    }
}

/// Accepts an absent return type, `()`, or a path ending in `Result`; returns the
/// return type's span when there is one.
fn check_output(kind: AttributeKind, output: &ReturnType) -> syn::Result<Option<Span>> {
    let ReturnType::Type(_, ty) = output else {
        return Ok(None);
    };
    let unit = matches!(&**ty, Type::Tuple(tuple) if tuple.elems.is_empty());
    if unit || is_path_ending_in(ty, "Result") {
        return Ok(Some(ty.span()));
    }
    let message = format!(
        "`{}` functions return nothing, `()`, or `Result<(), E>` with `E: Debug`, written as \
         a path ending in `Result` (like `std::io::Result<()>`); other types, and aliases \
         with other names, are not accepted",
        kind.display()
    );
    Err(syn::Error::new_spanned(ty, message))
}
