//! The function item under an attribute, parsed into a small model.
//!
//! syn is built with `parsing` and `proc-macro` only, to keep clean builds of a
//! user's program cheap (the README's build-cost row): no `syn::ItemFn`, `Type` or
//! `Attribute`. This reads a function item at
//! the token level: outer attributes, visibility, qualifiers, `fn`, name, generics,
//! parameters, return type, where clause, and the body. Each part is kept as the
//! tokens it was written with; it only records what it finds, and `signature.rs`
//! decides what is accepted.

use proc_macro2::{Delimiter, Group, Ident, Span, TokenStream, TokenTree};
use quote::quote;
use syn::buffer::TokenBuffer;
use syn::parse::{ParseStream, Parser};
use syn::{LitStr, Token};

use crate::options::AttributeKind;

/// A parsed function item.
pub(crate) struct Function {
    /// Outer attributes, each `#[..]` as written.
    pub attrs: Vec<TokenStream>,
    pub vis: TokenStream,
    /// `const`, `async`, `unsafe`, `extern "abi"`: each keyword with its span.
    pub qualifiers: Vec<(&'static str, Span)>,
    pub fn_token: Ident,
    pub name: Ident,
    /// `<..>` as written, if any.
    pub generics: TokenStream,
    /// The first generic parameter: what it is (`lifetime`, `type`, `const`) and
    /// where it starts.
    pub first_generic: Option<(&'static str, Span)>,
    /// The parenthesized parameter list, untouched.
    pub params_group: Group,
    pub params: Vec<Param>,
    /// A `...` in the parameter list.
    pub variadic: Option<Span>,
    /// The return type's tokens after `->`, if any.
    pub output: Option<TokenStream>,
    /// `where ..` as written, if any, and the `where` keyword's span.
    pub where_clause: Option<(Span, TokenStream)>,
    /// The brace-delimited body, untouched.
    pub body: TokenTree,
}

impl Function {
    /// The function under another name, without its attributes and visibility and
    /// with no qualifier but `async`: the expansions nest it in the function they
    /// generate.
    pub(crate) fn renamed(&self, name: &Ident) -> TokenStream {
        let Function {
            fn_token,
            generics,
            params_group,
            body,
            ..
        } = self;
        let output = self.output.as_ref().map(|ty| quote!(-> #ty));
        let where_clause = self.where_clause.as_ref().map(|(_, tokens)| tokens);
        // `async` is the one qualifier an accepted function may have.
        let asyncness = self
            .qualifiers
            .iter()
            .find(|(keyword, _)| *keyword == "async")
            .map(|(_, span)| Ident::new("async", *span));
        quote! {
            #asyncness #fn_token #name #generics #params_group #output #where_clause #body
        }
    }
}

/// One entry of the parameter list.
pub(crate) enum Param {
    /// `self`, `&self`, `mut self: Box<Self>`, ...; the tokens, for the error span.
    Receiver(TokenStream),
    /// `pattern: Type`; only the type's tokens are kept, since the expansion passes
    /// arguments by position.
    Typed(TokenStream),
}

/// An error spanning all of `tokens` (from the first to the last), as syn's
/// `Error::new_spanned` does.
pub(crate) fn error_spanning(tokens: TokenStream, message: impl std::fmt::Display) -> syn::Error {
    let buffer = TokenBuffer::new2(tokens);
    let start = buffer.begin();
    let mut end = start;
    while let Some((_, next)) = end.token_tree() {
        end = next;
    }
    syn::Error::new_range(start..end, message)
}

/// Parses `item` as a function; anything else is an error at its first token (after
/// attributes and visibility) saying that `attribute` applies to functions.
pub(crate) fn parse(kind: AttributeKind, item: TokenStream) -> syn::Result<Function> {
    let parser = |input: ParseStream| parse_function(kind, input);
    parser.parse2(item)
}

fn parse_function(kind: AttributeKind, input: ParseStream) -> syn::Result<Function> {
    let attrs = parse_outer_attributes(input)?;
    let vis = parse_visibility(input)?;
    let not_a_function = |input: ParseStream| {
        syn::Error::new(
            input.span(),
            format!("`{}` applies to {}", kind.display(), kind.target()),
        )
    };
    let mut qualifiers = Vec::new();
    loop {
        if input.peek(Token![const]) && input.peek2(Token![_]) {
            return Err(not_a_function(input));
        }
        let keyword = if input.peek(Token![const]) {
            "const"
        } else if input.peek(Token![async]) {
            "async"
        } else if input.peek(Token![unsafe]) {
            "unsafe"
        } else if input.peek(Token![extern]) {
            "extern"
        } else {
            break;
        };
        let fork = input.fork();
        let tree: TokenTree = fork.parse()?;
        // `const NAME: T = ..;`, `unsafe impl`, `extern crate` and `extern { .. }` are
        // items of other kinds: only a qualifier followed by more qualifiers or `fn`
        // makes a function.
        if keyword == "extern" {
            let _: Option<LitStr> = fork.parse()?;
        }
        let next_is_fn_part = fork.peek(Token![fn])
            || fork.peek(Token![async])
            || fork.peek(Token![unsafe])
            || fork.peek(Token![extern])
            || fork.peek(Token![const]);
        if !next_is_fn_part {
            return Err(not_a_function(input));
        }
        let _: TokenTree = input.parse()?;
        if keyword == "extern" {
            let _: Option<LitStr> = input.parse()?;
        }
        qualifiers.push((keyword, tree.span()));
    }
    if !input.peek(Token![fn]) {
        return Err(not_a_function(input));
    }
    let fn_token = input.call(parse_ident_any)?;
    let name: Ident = input.parse()?;
    let (generics, first_generic) = parse_generics(input)?;
    let params_group = match input.parse::<TokenTree>()? {
        TokenTree::Group(group) if group.delimiter() == Delimiter::Parenthesis => group,
        other => return Err(syn::Error::new(other.span(), "expected `(`")),
    };
    let (params, variadic) = parse_params.parse2(params_group.stream())?;
    let output = if input.peek(Token![->]) {
        input.parse::<Token![->]>()?;
        Some(parse_return_type(input)?)
    } else {
        None
    };
    let where_clause = if input.peek(Token![where]) {
        let span = input.span();
        let mut tokens = TokenStream::new();
        while !input.is_empty() && !input.peek(syn::token::Brace) {
            tokens.extend([input.parse::<TokenTree>()?]);
        }
        Some((span, tokens))
    } else {
        None
    };
    if !input.peek(syn::token::Brace) {
        return Err(input.error(format!("`{}` needs a function with a body", kind.display())));
    }
    let body: TokenTree = input.parse()?;
    Ok(Function {
        attrs,
        vis,
        qualifiers,
        fn_token,
        name,
        generics,
        first_generic,
        params_group,
        params,
        variadic,
        output,
        where_clause,
        body,
    })
}

fn parse_ident_any(input: ParseStream) -> syn::Result<Ident> {
    syn::ext::IdentExt::parse_any(input)
}

/// `#[..]` attributes, each kept as written.
fn parse_outer_attributes(input: ParseStream) -> syn::Result<Vec<TokenStream>> {
    let mut attrs = Vec::new();
    while input.peek(Token![#]) && input.peek2(syn::token::Bracket) {
        let pound: TokenTree = input.parse()?;
        let group: TokenTree = input.parse()?;
        attrs.push([pound, group].into_iter().collect());
    }
    Ok(attrs)
}

/// `pub`, `pub(crate)`, `pub(in path)`, or nothing.
fn parse_visibility(input: ParseStream) -> syn::Result<TokenStream> {
    let mut vis = TokenStream::new();
    if input.peek(Token![pub]) {
        vis.extend([input.parse::<TokenTree>()?]);
        if input.peek(syn::token::Paren) {
            vis.extend([input.parse::<TokenTree>()?]);
        }
    }
    Ok(vis)
}

/// `<..>` up to its matching `>`, and what its first parameter is.
fn parse_generics(input: ParseStream) -> syn::Result<(TokenStream, Option<(&'static str, Span)>)> {
    let mut tokens = TokenStream::new();
    if !input.peek(Token![<]) {
        return Ok((tokens, None));
    }
    tokens.extend([input.parse::<TokenTree>()?]);
    let first = if input.peek(syn::Lifetime) {
        Some(("lifetime", input.span()))
    } else if input.peek(Token![const]) {
        Some(("const", input.span()))
    } else if input.peek(Token![>]) {
        None
    } else {
        Some(("type", input.span()))
    };
    tokens.extend(parse_type_until(input, |input| input.peek(Token![>]))?);
    if !input.is_empty() {
        // The closing `>`.
        tokens.extend([input.parse::<TokenTree>()?]);
    }
    Ok((tokens, first))
}

/// The return type: the tokens up to the body or a `where` clause.
fn parse_return_type(input: ParseStream) -> syn::Result<TokenStream> {
    let tokens = parse_type_until(input, |input| {
        input.peek(syn::token::Brace) || input.peek(Token![where])
    })?;
    if tokens.is_empty() {
        return Err(input.error("expected a return type after `->`"));
    }
    Ok(tokens)
}

/// A type's tokens, up to where `end` says it ends outside any `<..>` (a `>` of a
/// `->` in `Fn() -> T` does not close one).
fn parse_type_until(
    input: ParseStream,
    end: impl Fn(ParseStream) -> bool,
) -> syn::Result<TokenStream> {
    let mut tokens = TokenStream::new();
    let mut depth = 0usize;
    loop {
        if input.is_empty() || (depth == 0 && end(input)) {
            break;
        }
        if input.peek(Token![->]) {
            tokens.extend([input.parse::<TokenTree>()?, input.parse::<TokenTree>()?]);
            continue;
        }
        if input.peek(Token![<]) {
            depth += 1;
        } else if input.peek(Token![>]) {
            depth = depth.saturating_sub(1);
        }
        tokens.extend([input.parse::<TokenTree>()?]);
    }
    Ok(tokens)
}

fn parse_params(input: ParseStream) -> syn::Result<(Vec<Param>, Option<Span>)> {
    let mut params = Vec::new();
    let mut variadic = None;
    while !input.is_empty() {
        let _attrs = parse_outer_attributes(input)?;
        if input.peek(Token![...]) {
            variadic = Some(input.span());
            input.parse::<Token![...]>()?;
        } else {
            params.push(parse_param(input)?);
        }
        if input.is_empty() {
            break;
        }
        input.parse::<Token![,]>()?;
    }
    Ok((params, variadic))
}

/// `pattern: Type` or a receiver. The pattern ends at the first `:` that is neither
/// inside a group nor half of a `::`; the type at the next top-level `,`.
fn parse_param(input: ParseStream) -> syn::Result<Param> {
    let mut pat = TokenStream::new();
    let mut is_receiver = false;
    while !input.is_empty() && !input.peek(Token![,]) {
        if input.peek(Token![:]) && !input.peek(Token![::]) {
            break;
        }
        if input.peek(Token![::]) {
            pat.extend([input.parse::<TokenTree>()?, input.parse::<TokenTree>()?]);
            continue;
        }
        if input.peek(Token![self]) {
            is_receiver = true;
        }
        pat.extend([input.parse::<TokenTree>()?]);
    }
    if !input.peek(Token![:]) {
        if is_receiver {
            return Ok(Param::Receiver(pat));
        }
        return Err(input.error("expected `: Type` after the parameter's pattern"));
    }
    let colon: TokenTree = input.parse()?;
    let ty = parse_type_until(input, |input| input.peek(Token![,]))?;
    if ty.is_empty() {
        return Err(input.error("expected a type after `:`"));
    }
    if is_receiver {
        pat.extend([colon]);
        pat.extend(ty);
        return Ok(Param::Receiver(pat));
    }
    Ok(Param::Typed(ty))
}
