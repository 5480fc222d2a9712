//! Which functions each attribute accepts, decided from the syntax alone:
//! no qualifiers, no generics, no receiver; parameters none or `&App` (signal hooks:
//! `(&App, Signal)`); a return type that is absent, `()`, or a path whose last segment
//! is `Result`. Each refusal is one error at the offending token.

use proc_macro2::{Delimiter, Group, Spacing, Span, TokenStream, TokenTree};

use crate::function::{error_spanning, Function, Param};
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
    /// Whether it returns a `Result` (a path ending in `Result`) rather than `()`.
    pub returns_result: bool,
    /// Where the return type is written (or the name, when it is absent): the span
    /// of errors about what it returns, such as an `E` that is not `Debug`.
    pub output_span: Span,
    /// Where `async` is written, for an `async fn` (accepted with the `tokio`
    /// feature).
    pub is_async: Option<Span>,
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
    let test_attribute = function.attrs.iter().find(|attr| is_test_attribute(attr));
    if let (AttributeKind::Test, Some(test)) = (kind, test_attribute) {
        return Err(error_spanning(
            test.clone(),
            "`#[cement::test]` adds `#[test]` itself; remove this one",
        ));
    }
    if let Some((tokio, entry)) = function
        .attrs
        .iter()
        .find_map(|attr| tokio_entry(attr).map(|entry| (attr, entry)))
    {
        // The message names the attribute to remove, so that it reads alone (IDEs,
        // `--message-format short`).
        let options = if kind == AttributeKind::Main {
            format!(" (its `flavor` and `worker_threads` options go on `{name}`)")
        } else {
            String::new()
        };
        return Err(error_spanning(
            tokio.clone(),
            format!(
                "`{name}` builds the tokio runtime itself; remove `#[tokio::{entry}]`{options}"
            ),
        ));
    }
    let mut is_async = None;
    for (keyword, span) in &function.qualifiers {
        if *keyword != "async" {
            return Err(syn::Error::new(
                *span,
                format!("`{name}` does not accept `{keyword}` functions; remove `{keyword}`"),
            ));
        }
        if point == Some(Point::Signal) {
            return Err(syn::Error::new(
                *span,
                "`signal` hooks cannot be `async`: they run on the signal-watching thread, \
                 outside any runtime; remove `async`",
            ));
        }
        if !cfg!(feature = "tokio") {
            return Err(syn::Error::new(
                *span,
                format!(
                    "`{name}` on an `async fn` needs cement's `tokio` feature: \
                     `cement = {{ version = \"..\", features = [\"tokio\"] }}`"
                ),
            ));
        }
        is_async = Some(*span);
    }
    if let Some((what, span)) = function.first_generic {
        return Err(syn::Error::new(
            span,
            format!("`{name}` does not accept generic functions; remove the {what} parameter"),
        ));
    }
    if let Some((span, _)) = &function.where_clause {
        return Err(syn::Error::new(
            *span,
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
    let (output_span, returns_result) = match check_output(kind, function.output.as_ref())? {
        Some(output) => output,
        None => (function.name.span(), false),
    };
    Ok(Signature {
        params,
        returns_result,
        output_span,
        is_async,
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
                return Err(error_spanning(
                    tokens.clone(),
                    format!("`{name}` applies to free functions; methods are not supported"),
                ));
            }
            Param::Typed(ty) => types.push(ty),
        }
    }
    let max = if signal_hook { 2 } else { 1 };
    if let Some(extra) = types.get(max) {
        return Err(error_spanning(
            (*extra).clone(),
            format!("too many parameters: {accepted}"),
        ));
    }
    if let Some(app) = types.first().filter(|app| !is_app_reference(app)) {
        return Err(error_spanning(
            (*app).clone(),
            format!("expected `&App` here: {accepted}"),
        ));
    }
    if let Some(signal) = types.get(1).filter(|ty| !is_path_ending_in(ty, "Signal")) {
        return Err(error_spanning(
            (*signal).clone(),
            format!("expected `Signal` here: {accepted}"),
        ));
    }
    match (signal_hook, types.len()) {
        (false, 0) => Ok(Params::None),
        (false, _) => Ok(Params::App),
        (true, 2) => Ok(Params::AppAndSignal),
        (true, _) => Err(syn::Error::new(
            function.params_group.span(),
            format!("missing parameters: {accepted}"),
        )),
    }
}

/// `#[test]`, as written (not `#[tokio::test]` and the like).
fn is_test_attribute(attr: &TokenStream) -> bool {
    let Some(TokenTree::Group(group)) = attr.clone().into_iter().nth(1) else {
        return false;
    };
    let inner: Vec<TokenTree> = group.stream().into_iter().collect();
    matches!(inner.as_slice(), [TokenTree::Ident(ident)] if ident == "test")
}

/// `#[tokio::main]` or `#[tokio::test]`, with or without options: `main` or `test`.
fn tokio_entry(attr: &TokenStream) -> Option<&'static str> {
    let Some(TokenTree::Group(group)) = attr.clone().into_iter().nth(1) else {
        return None;
    };
    let path: Vec<String> = group
        .stream()
        .into_iter()
        .take_while(|tree| !matches!(tree, TokenTree::Group(_)))
        .map(|tree| tree.to_string())
        .collect();
    match path
        .iter()
        .map(String::as_str)
        .collect::<Vec<_>>()
        .as_slice()
    {
        ["tokio", ":", ":", "main"] | [":", ":", "tokio", ":", ":", "main"] => Some("main"),
        ["tokio", ":", ":", "test"] | [":", ":", "tokio", ":", ":", "test"] => Some("test"),
        _ => None,
    }
}

/// A type's tokens without wrapping parentheses or invisible groups (from
/// `macro_rules!` fragments): `(&App)` is `&App`.
fn unwrap_type(ty: &TokenStream) -> Vec<TokenTree> {
    let trees: Vec<TokenTree> = ty.clone().into_iter().collect();
    if let [TokenTree::Group(group)] = trees.as_slice() {
        if matches!(group.delimiter(), Delimiter::None | Delimiter::Parenthesis)
            && !group.stream().is_empty()
        {
            return unwrap_type(&group.stream());
        }
    }
    trees
}

/// `&App`, `&'_ App`, `&cement::App`: a shared reference to a path ending in `App`.
fn is_app_reference(ty: &TokenStream) -> bool {
    let trees = unwrap_type(ty);
    let [TokenTree::Punct(amp), rest @ ..] = trees.as_slice() else {
        return false;
    };
    if amp.as_char() != '&' {
        return false;
    }
    // An optional `'_`: a `'` joined to `_`.
    let rest = match rest {
        [TokenTree::Punct(quote), TokenTree::Ident(lifetime), rest @ ..]
            if quote.as_char() == '\'' =>
        {
            if lifetime != "_" {
                return false;
            }
            rest
        }
        rest => rest,
    };
    is_path_ending_in(&rest.iter().cloned().collect(), "App")
}

/// A path (`a::b::Last`, maybe `::a::Last`, maybe with `<..>` after its last
/// segment) whose last segment is `last`.
fn is_path_ending_in(ty: &TokenStream, last: &str) -> bool {
    let trees = unwrap_type(ty);
    let mut segments = Vec::new();
    let mut rest = trees.as_slice();
    let mut expect_ident = !matches!(rest, [TokenTree::Punct(p), ..] if p.as_char() == ':');
    loop {
        match rest {
            [] => break,
            [TokenTree::Punct(first), TokenTree::Punct(second), tail @ ..]
                if !expect_ident
                    && first.as_char() == ':'
                    && first.spacing() == Spacing::Joint
                    && second.as_char() == ':' =>
            {
                expect_ident = true;
                rest = tail;
            }
            [TokenTree::Ident(ident), tail @ ..] if expect_ident => {
                segments.push(ident.to_string());
                expect_ident = false;
                rest = tail;
            }
            // Generic arguments, only after the last segment: `<` .. `>` to the end.
            [TokenTree::Punct(open), .., TokenTree::Punct(close)]
                if !expect_ident && open.as_char() == '<' && close.as_char() == '>' =>
            {
                break;
            }
            _ => return false,
        }
    }
    !expect_ident && segments.last().is_some_and(|segment| segment == last)
}

/// Accepts an absent return type, `()`, or a path ending in `Result`; returns the
/// return type's span, and whether it is a `Result`, when there is one.
fn check_output(
    kind: AttributeKind,
    output: Option<&TokenStream>,
) -> syn::Result<Option<(Span, bool)>> {
    let Some(ty) = output else {
        return Ok(None);
    };
    let trees = unwrap_type(ty);
    let unit = matches!(trees.as_slice(),
        [TokenTree::Group(group)]
            if group.delimiter() == Delimiter::Parenthesis && group.stream().is_empty());
    let result = is_path_ending_in(ty, "Result");
    if unit || result {
        let first = ty
            .clone()
            .into_iter()
            .next()
            .map(|tree| (tree.span(), result));
        return Ok(first);
    }
    let message = format!(
        "`{}` functions return nothing, `()`, or `Result<(), E>` with `E: Debug`, written as \
         a path ending in `Result` (like `std::io::Result<()>`); other types, and aliases \
         with other names, are not accepted",
        kind.display()
    );
    Err(error_spanning(ty.clone(), message))
}
