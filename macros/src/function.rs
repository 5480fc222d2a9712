//! The function item under an attribute, parsed into a small model.
//!
//! syn's `full` feature (and with it `syn::ItemFn`) is off to keep clean builds cheap
//! (SPEC §6), so this reads a function item itself: outer attributes, visibility,
//! qualifiers, `fn`, name, generics, parameters, return type, where clause, and the
//! body as raw tokens. It only records what it finds; `signature.rs` decides what is
//! accepted.

use proc_macro2::{Span, TokenStream, TokenTree};
use quote::{ToTokens, quote};
use syn::parse::{ParseStream, Parser};
use syn::{Attribute, Generics, Ident, ReturnType, Token, Type, Visibility, token};

use crate::options::AttributeKind;

/// A parsed function item.
pub(crate) struct Function {
    pub attrs: Vec<Attribute>,
    pub vis: Visibility,
    /// `const`, `async`, `unsafe`, `extern "abi"`: each keyword with its span.
    pub qualifiers: Vec<(&'static str, Span)>,
    pub fn_token: Token![fn],
    pub name: Ident,
    pub generics: Generics,
    pub paren: token::Paren,
    pub params: Vec<Param>,
    /// The parameter list's tokens, untouched, to emit the function again.
    pub params_tokens: TokenStream,
    /// A `...` in the parameter list.
    pub variadic: Option<Span>,
    pub output: ReturnType,
    /// The brace-delimited body, untouched.
    pub body: TokenStream,
}

impl Function {
    /// The function under another name, without its attributes, visibility and
    /// qualifiers: the expansions nest it in the function they generate.
    pub(crate) fn renamed(&self, name: &Ident) -> TokenStream {
        let Function {
            fn_token,
            generics,
            params_tokens,
            output,
            body,
            ..
        } = self;
        let where_clause = &generics.where_clause;
        quote! {
            #fn_token #name #generics (#params_tokens) #output #where_clause #body
        }
    }
}

/// One entry of the parameter list.
pub(crate) enum Param {
    /// `self`, `&self`, `mut self: Box<Self>`, ...; the tokens, for the error span.
    Receiver(TokenStream),
    /// `pattern: Type`; the pattern is skipped (syn's `Pat` needs `full`) since the
    /// expansion passes arguments by position.
    Typed(Box<Type>),
}

/// Parses `item` as a function; anything else is an error at its first token (after
/// attributes and visibility) saying that `attribute` applies to functions.
pub(crate) fn parse(kind: AttributeKind, item: TokenStream) -> syn::Result<Function> {
    let parser = |input: ParseStream| parse_function(kind, input);
    parser.parse2(item)
}

fn parse_function(kind: AttributeKind, input: ParseStream) -> syn::Result<Function> {
    let attrs = Attribute::parse_outer(input)?;
    let vis: Visibility = input.parse()?;
    let not_a_function = |input: ParseStream| {
        let span = input.span();
        syn::Error::new(
            span,
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
            let _: Option<syn::LitStr> = fork.parse()?;
        }
        let next_is_fn_part = fork.peek(Token![fn])
            || fork.peek(Token![async])
            || fork.peek(Token![unsafe])
            || fork.peek(Token![extern])
            || fork.peek(Token![const]);
        if !next_is_fn_part {
            return Err(not_a_function(input));
        }
        let span = tree.span();
        let _: TokenTree = input.parse()?;
        if keyword == "extern" {
            let _: Option<syn::LitStr> = input.parse()?;
        }
        qualifiers.push((keyword, span));
    }
    if !input.peek(Token![fn]) {
        return Err(not_a_function(input));
    }
    let fn_token: Token![fn] = input.parse()?;
    let name: Ident = input.parse()?;
    let mut generics: Generics = input.parse()?;
    let content;
    let paren = syn::parenthesized!(content in input);
    let params_tokens: TokenStream = content.fork().parse()?;
    let (params, variadic) = parse_params(&content)?;
    let output: ReturnType = input.parse()?;
    generics.where_clause = input.parse()?;
    if !input.peek(token::Brace) {
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
        paren,
        params,
        params_tokens,
        variadic,
        output,
        body: body.into_token_stream(),
    })
}

fn parse_params(input: ParseStream) -> syn::Result<(Vec<Param>, Option<Span>)> {
    let mut params = Vec::new();
    let mut variadic = None;
    while !input.is_empty() {
        let _attrs = Attribute::parse_outer(input)?;
        if input.peek(Token![...]) {
            let dots: Token![...] = input.parse()?;
            variadic = Some(dots.spans[0]);
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
/// inside a group nor half of a `::`.
fn parse_param(input: ParseStream) -> syn::Result<Param> {
    let mut pat = TokenStream::new();
    let mut angle_depth = 0usize;
    let mut is_receiver = false;
    while !input.is_empty() {
        if angle_depth == 0
            && (input.peek(Token![,]) || (input.peek(Token![:]) && !input.peek(Token![::])))
        {
            break;
        }
        if input.peek(Token![::]) {
            let colons: Token![::] = input.parse()?;
            colons.to_tokens(&mut pat);
            continue;
        }
        if input.peek(Token![<]) {
            angle_depth += 1;
        } else if input.peek(Token![>]) {
            angle_depth = angle_depth.saturating_sub(1);
        } else if input.peek(Token![self]) {
            is_receiver = true;
        }
        let tree: TokenTree = input.parse()?;
        pat.extend([tree]);
    }
    if input.peek(Token![:]) {
        let colon: Token![:] = input.parse()?;
        let ty: Type = input.parse()?;
        if is_receiver {
            let mut tokens = pat;
            colon.to_tokens(&mut tokens);
            ty.to_tokens(&mut tokens);
            return Ok(Param::Receiver(tokens));
        }
        return Ok(Param::Typed(Box::new(ty)));
    }
    if is_receiver {
        return Ok(Param::Receiver(pat));
    }
    Err(input.error("expected `: Type` after the parameter's pattern"))
}
