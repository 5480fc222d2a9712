//! What goes between an attribute's parentheses, for every attribute.
//!
//! One parser reads `[point,] key = value, ...`: it rejects duplicated keys, unknown
//! keys (listing the valid ones and suggesting the closest), and values of the wrong
//! type, each at the offending token. Each attribute then turns the parsed options into
//! its own configuration (`MainOptions`, `HookOptions`) here as well, so the expansion
//! modules receive checked values only.

use proc_macro2::{Literal, Span, TokenStream, TokenTree};
use quote::quote;
use syn::ext::IdentExt;
use syn::parse::{ParseStream, Parser};
use syn::{Ident, LitBool, LitInt, LitStr, Token};

use crate::function::error_spanning;

/// The attribute being expanded; names it in messages and says what it accepts.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum AttributeKind {
    Main,
    Hook,
    Cleanup,
    Test,
}

impl AttributeKind {
    /// The attribute as users write it, for messages: `#[cement::main]`.
    pub(crate) fn display(self) -> &'static str {
        match self {
            AttributeKind::Main => "#[cement::main]",
            AttributeKind::Hook => "#[cement::hook]",
            AttributeKind::Cleanup => "#[cleanup]",
            AttributeKind::Test => "#[cement::test]",
        }
    }

    /// What the attribute may be put on.
    pub(crate) fn target(self) -> &'static str {
        match self {
            AttributeKind::Main => "`fn main`",
            AttributeKind::Hook | AttributeKind::Cleanup => "a free function",
            AttributeKind::Test => "a test function",
        }
    }

    /// The `key = value` options the attribute takes.
    fn options(self) -> &'static [OptionSpec] {
        const LABEL: OptionSpec = OptionSpec::new("label", ValueKind::Label);
        const EXIT_ON_CLOSE: OptionSpec = OptionSpec::new("exit_on_close", ValueKind::Bool);
        const CATCH_SIGNALS: OptionSpec = OptionSpec::new("catch_signals", ValueKind::Bool);
        const NOTIFY_READY: OptionSpec = OptionSpec::new("notify_ready", ValueKind::Bool);
        const CLOSE_DEADLINE_MS: OptionSpec =
            OptionSpec::new("close_deadline_ms", ValueKind::Positive);
        const SHUTDOWN_GRACE_MS: OptionSpec =
            OptionSpec::new("shutdown_grace_ms", ValueKind::Positive);
        const FLAVOR: OptionSpec = OptionSpec::new("flavor", ValueKind::Flavor);
        const WORKER_THREADS: OptionSpec = OptionSpec::new("worker_threads", ValueKind::Positive);
        const WEIGHT: OptionSpec = OptionSpec::new("weight", ValueKind::I32);
        const APP: OptionSpec = OptionSpec::new("app", ValueKind::Label);
        const EXPECT_EXIT: OptionSpec = OptionSpec::new("expect_exit", ValueKind::I32);
        const CRATE: OptionSpec = OptionSpec::new("crate", ValueKind::Path);
        match self {
            AttributeKind::Main => &[
                LABEL,
                EXIT_ON_CLOSE,
                CATCH_SIGNALS,
                CLOSE_DEADLINE_MS,
                SHUTDOWN_GRACE_MS,
                NOTIFY_READY,
                FLAVOR,
                WORKER_THREADS,
                CRATE,
            ],
            AttributeKind::Hook | AttributeKind::Cleanup => &[WEIGHT, APP, CRATE],
            AttributeKind::Test => &[LABEL, EXPECT_EXIT, EXIT_ON_CLOSE, CRATE],
        }
    }

    /// The hook points the attribute accepts before its options, if it takes one.
    fn points(self) -> &'static [&'static str] {
        match self {
            AttributeKind::Main | AttributeKind::Test => &[],
            AttributeKind::Hook => &[
                "pre_setup",
                "post_setup",
                "pre_run",
                "post_run",
                "pre_close",
                "post_close",
                "signal",
            ],
            AttributeKind::Cleanup => &["pre_close", "post_close"],
        }
    }
}

/// One option an attribute takes.
#[derive(Clone, Copy)]
struct OptionSpec {
    name: &'static str,
    kind: ValueKind,
}

impl OptionSpec {
    const fn new(name: &'static str, kind: ValueKind) -> OptionSpec {
        OptionSpec { name, kind }
    }
}

/// The type of an option's value.
#[derive(Clone, Copy)]
enum ValueKind {
    /// A non-empty string literal.
    Label,
    Bool,
    /// An integer literal in `i32`'s range, maybe negated.
    I32,
    /// An integer literal in `1..=i32::MAX`.
    Positive,
    /// A path written as a string literal: `crate = "my_cement"`.
    Path,
    /// A tokio runtime flavor: `"multi_thread"` or `"current_thread"`.
    Flavor,
}

impl ValueKind {
    /// What the option takes, for errors: "`weight` takes ...".
    fn expected(self, name: &str) -> String {
        match self {
            ValueKind::Label => {
                format!("`{name}` takes a string literal, like `{name} = \"myapp\"`")
            }
            ValueKind::Bool => format!("`{name}` takes `true` or `false`"),
            ValueKind::I32 => {
                format!("`{name}` takes an integer literal in i32's range, like `{name} = 10`")
            }
            ValueKind::Positive => {
                format!("`{name}` takes a positive integer literal, like `{name} = 5000`")
            }
            ValueKind::Path => {
                format!("`{name}` takes a path in a string literal, like `{name} = \"my_cement\"`")
            }
            ValueKind::Flavor => {
                format!(
                    "`{name}` takes \"multi_thread\" or \"current_thread\", as `#[tokio::main]`"
                )
            }
        }
    }
}

/// A checked option value.
enum Value {
    /// `flavor = "current_thread"` (`true`) or `"multi_thread"`.
    CurrentThread(bool),
    /// A string literal, as a token to emit.
    Str(Literal),
    Bool(bool),
    Int(i32),
    /// The path's tokens, spanned at the string literal.
    Path(TokenStream),
}

/// The parsed contents of an attribute's parentheses.
struct Parsed {
    point: Option<Ident>,
    /// Each option's name, where its key is written, and its value.
    values: Vec<(&'static str, Span, Value)>,
}

impl Parsed {
    fn take(&mut self, name: &str) -> Option<Value> {
        let index = self.values.iter().position(|(key, _, _)| *key == name)?;
        Some(self.values.remove(index).2)
    }

    /// Where option `name`'s key is written, if it is given.
    fn span(&self, name: &str) -> Option<Span> {
        self.values
            .iter()
            .find(|(key, _, _)| *key == name)
            .map(|(_, span, _)| *span)
    }

    fn string(&mut self, name: &str) -> Option<Literal> {
        match self.take(name)? {
            Value::Str(lit) => Some(lit),
            _ => None,
        }
    }

    fn bool(&mut self, name: &str) -> Option<bool> {
        match self.take(name)? {
            Value::Bool(value) => Some(value),
            _ => None,
        }
    }

    fn int(&mut self, name: &str) -> Option<i32> {
        match self.take(name)? {
            Value::Int(value) => Some(value),
            _ => None,
        }
    }

    /// The runtime's path: `crate = "..."`, or `::cement`.
    fn runtime_path(&mut self) -> TokenStream {
        match self.take("crate") {
            Some(Value::Path(path)) => path,
            _ => quote!(::cement),
        }
    }
}

/// The App's label as an expression: the given one, or the package's name.
pub(crate) fn label_or_package_name(label: Option<&Literal>) -> TokenStream {
    match label {
        Some(label) => quote!(#label),
        None => quote!(::core::env!("CARGO_PKG_NAME")),
    }
}

/// The options of `#[cement::main]`.
pub(crate) struct MainOptions {
    /// `None`: the package name.
    pub label: Option<Literal>,
    pub exit_on_close: bool,
    pub catch_signals: bool,
    /// `close_deadline_ms = N`: end the process if close takes longer.
    pub close_deadline_ms: Option<i32>,
    /// `shutdown_grace_ms = N`: how long a caught signal's close waits for the body.
    pub shutdown_grace_ms: Option<i32>,
    /// `notify_ready = false`: the body tells systemd READY itself.
    pub notify_ready: bool,
    /// `flavor = "current_thread"` (`true`), for an `async fn main`; where it is written.
    pub current_thread: Option<(bool, Span)>,
    /// `worker_threads = N`, for an `async fn main`; where it is written.
    pub worker_threads: Option<(i32, Span)>,
    pub runtime: TokenStream,
}

/// The options of `#[cement::test]`.
pub(crate) struct TestOptions {
    /// `None`: the package name.
    pub label: Option<Literal>,
    pub expect_exit: i32,
    pub exit_on_close: bool,
    pub runtime: TokenStream,
}

/// A hook point, as the `cement::Hook` variant it names.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum Point {
    PreSetup,
    PostSetup,
    PreRun,
    PostRun,
    PreClose,
    PostClose,
    Signal,
}

impl Point {
    fn from_name(name: &str) -> Option<Point> {
        Some(match name {
            "pre_setup" => Point::PreSetup,
            "post_setup" => Point::PostSetup,
            "pre_run" => Point::PreRun,
            "post_run" => Point::PostRun,
            "pre_close" => Point::PreClose,
            "post_close" => Point::PostClose,
            "signal" => Point::Signal,
            _ => return None,
        })
    }

    /// The `cement::Hook` variant.
    pub(crate) fn variant(self) -> &'static str {
        match self {
            Point::PreSetup => "PreSetup",
            Point::PostSetup => "PostSetup",
            Point::PreRun => "PreRun",
            Point::PostRun => "PostRun",
            Point::PreClose => "PreClose",
            Point::PostClose => "PostClose",
            Point::Signal => "Signal",
        }
    }
}

/// The options of `#[cement::hook]` and `#[cleanup]`.
pub(crate) struct HookOptions {
    pub point: Point,
    pub weight: i32,
    /// `app = "label"`: the only App the hook runs for.
    pub app: Option<Literal>,
    pub runtime: TokenStream,
}

pub(crate) fn parse_main(args: TokenStream) -> syn::Result<MainOptions> {
    let mut parsed = parse(AttributeKind::Main, args)?;
    let flavor_span = parsed.span("flavor");
    let current_thread = match parsed.take("flavor") {
        Some(Value::CurrentThread(yes)) => flavor_span.map(|span| (yes, span)),
        _ => None,
    };
    let threads_span = parsed.span("worker_threads");
    let worker_threads = parsed.int("worker_threads").zip(threads_span);
    if let (Some((true, _)), Some((_, span))) = (current_thread, worker_threads) {
        return Err(syn::Error::new(
            span,
            "`worker_threads` needs the `multi_thread` runtime flavor; remove it or use \
             `flavor = \"multi_thread\"`",
        ));
    }
    Ok(MainOptions {
        current_thread,
        worker_threads,
        label: parsed.string("label"),
        exit_on_close: parsed.bool("exit_on_close").unwrap_or(false),
        catch_signals: parsed.bool("catch_signals").unwrap_or(true),
        close_deadline_ms: parsed.int("close_deadline_ms"),
        shutdown_grace_ms: parsed.int("shutdown_grace_ms"),
        notify_ready: parsed.bool("notify_ready").unwrap_or(true),
        runtime: parsed.runtime_path(),
    })
}

pub(crate) fn parse_test(args: TokenStream) -> syn::Result<TestOptions> {
    let mut parsed = parse(AttributeKind::Test, args)?;
    Ok(TestOptions {
        label: parsed.string("label"),
        expect_exit: parsed.int("expect_exit").unwrap_or(0),
        exit_on_close: parsed.bool("exit_on_close").unwrap_or(false),
        runtime: parsed.runtime_path(),
    })
}

pub(crate) fn parse_hook(kind: AttributeKind, args: TokenStream) -> syn::Result<HookOptions> {
    let mut parsed = parse(kind, args)?;
    let point = parsed
        .point
        .take()
        .expect("parse requires a point for hooks");
    let point = Point::from_name(&point.to_string()).expect("parse checked the point");
    Ok(HookOptions {
        point,
        weight: parsed.int("weight").unwrap_or(0),
        app: parsed.string("app"),
        runtime: parsed.runtime_path(),
    })
}

/// Reads `[point,] key = value, ...` for `kind`.
fn parse(kind: AttributeKind, args: TokenStream) -> syn::Result<Parsed> {
    let parser = |input: ParseStream| {
        let point = if kind.points().is_empty() {
            None
        } else {
            Some(parse_point(kind, input)?)
        };
        let mut values: Vec<(&'static str, Span, Value)> = Vec::new();
        while !input.is_empty() {
            let key = input.call(Ident::parse_any)?;
            let spec = find_option(kind, &key)?;
            if values.iter().any(|(name, _, _)| *name == spec.name) {
                return Err(syn::Error::new(
                    key.span(),
                    format!(
                        "duplicate option `{}`: each option may be given once; remove this one",
                        spec.name
                    ),
                ));
            }
            if !input.peek(Token![=]) {
                return Err(syn::Error::new(
                    key.span(),
                    format!(
                        "option `{key}` needs a value: {}",
                        spec.kind.expected(spec.name)
                    ),
                ));
            }
            input.parse::<Token![=]>()?;
            let value = parse_value(spec, input)?;
            values.push((spec.name, key.span(), value));
            if input.is_empty() {
                break;
            }
            input.parse::<Token![,]>()?;
        }
        Ok(Parsed { point, values })
    };
    parser.parse2(args)
}

/// The leading hook point: it must be there, and be one `kind` accepts.
fn parse_point(kind: AttributeKind, input: ParseStream) -> syn::Result<Ident> {
    let valid = kind.points();
    let missing = || {
        syn::Error::new(
            Span::call_site(),
            format!(
                "`{}` needs a hook point first, one of: {}",
                kind.display(),
                list(valid)
            ),
        )
    };
    if input.is_empty() || !input.peek(Ident::peek_any) || input.peek2(Token![=]) {
        return Err(missing());
    }
    let point = input.call(Ident::parse_any)?;
    let name = point.to_string();
    if !valid.contains(&name.as_str()) {
        let message = if kind == AttributeKind::Cleanup && Point::from_name(&name).is_some() {
            format!(
                "`#[cleanup]` takes `pre_close` or `post_close`; use `#[cement::hook({name})]` for the other hook points"
            )
        } else {
            let mut message = format!("unknown hook point `{name}`");
            if let Some(closest) = closest(&name, valid) {
                message += &format!("; did you mean `{closest}`?");
            }
            message + &format!(" `{}` takes one of: {}", kind.display(), list(valid))
        };
        return Err(syn::Error::new(point.span(), message));
    }
    if !input.is_empty() {
        input.parse::<Token![,]>()?;
    }
    Ok(point)
}

fn find_option(kind: AttributeKind, key: &Ident) -> syn::Result<OptionSpec> {
    let specs = kind.options();
    let name = key.to_string();
    if let Some(spec) = specs.iter().find(|spec| spec.name == name) {
        return Ok(*spec);
    }
    let names: Vec<&str> = specs.iter().map(|spec| spec.name).collect();
    let mut message = format!("unknown option `{name}` for `{}`", kind.display());
    if let Some(closest) = closest(&name, &names) {
        message += &format!("; did you mean `{closest}`?");
    }
    if !kind.points().is_empty() && Point::from_name(&name).is_some() {
        message += " (the hook point comes first)";
    }
    message += &format!(" Valid options: {}", list(&names));
    Err(syn::Error::new(key.span(), message))
}

/// The value after `key =`, up to the next top-level comma, checked against the spec.
fn parse_value(spec: OptionSpec, input: ParseStream) -> syn::Result<Value> {
    let mut tokens = TokenStream::new();
    while !input.is_empty() && !input.peek(Token![,]) {
        let tree: TokenTree = input.parse()?;
        tokens.extend([tree]);
    }
    let wrong_type = || error_spanning(tokens.clone(), spec.kind.expected(spec.name));
    if tokens.is_empty() {
        return Err(input.error(spec.kind.expected(spec.name)));
    }
    match spec.kind {
        ValueKind::Label => {
            let lit: LitStr = syn::parse2(tokens.clone()).map_err(|_| wrong_type())?;
            if lit.value().is_empty() {
                return Err(syn::Error::new(
                    lit.span(),
                    format!("`{}` must not be empty", spec.name),
                ));
            }
            let mut literal = Literal::string(&lit.value());
            literal.set_span(lit.span());
            Ok(Value::Str(literal))
        }
        ValueKind::Bool => {
            let lit: LitBool = syn::parse2(tokens.clone()).map_err(|_| wrong_type())?;
            Ok(Value::Bool(lit.value))
        }
        ValueKind::I32 | ValueKind::Positive => {
            let parser = |input: ParseStream| {
                let minus: Option<Token![-]> = input.parse()?;
                let lit: LitInt = input.parse()?;
                Ok((minus.is_some(), lit))
            };
            let (negative, lit) = parser.parse2(tokens.clone()).map_err(|_| wrong_type())?;
            if !matches!(lit.suffix(), "" | "i32") {
                return Err(wrong_type());
            }
            let digits = if negative {
                format!("-{}", lit.base10_digits())
            } else {
                lit.base10_digits().to_owned()
            };
            let value = digits.parse::<i32>().map_err(|_| wrong_type())?;
            if matches!(spec.kind, ValueKind::Positive) && value <= 0 {
                return Err(wrong_type());
            }
            Ok(Value::Int(value))
        }
        ValueKind::Flavor => {
            let lit: LitStr = syn::parse2(tokens.clone()).map_err(|_| wrong_type())?;
            match lit.value().as_str() {
                "current_thread" => Ok(Value::CurrentThread(true)),
                "multi_thread" => Ok(Value::CurrentThread(false)),
                _ => Err(syn::Error::new(lit.span(), spec.kind.expected(spec.name))),
            }
        }
        ValueKind::Path => {
            let lit: LitStr = syn::parse2(tokens.clone()).map_err(|_| wrong_type())?;
            let path = lit
                .parse_with(parse_mod_style_path)
                .map_err(|_| syn::Error::new(lit.span(), spec.kind.expected(spec.name)))?;
            Ok(Value::Path(respan(path, lit.span())))
        }
    }
}

/// A path of plain segments, `a::b` or `::a::b`, as `use` paths are written.
fn parse_mod_style_path(input: ParseStream) -> syn::Result<TokenStream> {
    let mut path = TokenStream::new();
    if input.peek(Token![::]) {
        path.extend([input.parse::<TokenTree>()?, input.parse::<TokenTree>()?]);
    }
    loop {
        let segment = input.call(Ident::parse_any)?;
        path.extend([TokenTree::Ident(segment)]);
        if input.is_empty() {
            return Ok(path);
        }
        if !input.peek(Token![::]) {
            return Err(input.error("expected `::`"));
        }
        path.extend([input.parse::<TokenTree>()?, input.parse::<TokenTree>()?]);
    }
}

/// `tokens` with every span set to `span`.
fn respan(tokens: TokenStream, span: Span) -> TokenStream {
    tokens
        .into_iter()
        .map(|mut tree| {
            tree.set_span(span);
            tree
        })
        .collect()
}

/// `a`, `b`, `c` for messages.
fn list(names: &[&str]) -> String {
    names
        .iter()
        .map(|name| format!("`{name}`"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// The candidate closest to `name` by edit distance, if it is close enough to be a
/// plausible typo (at most a third of the name's length, and at least one edit).
fn closest<'a>(name: &str, candidates: &[&'a str]) -> Option<&'a str> {
    let limit = (name.chars().count() / 3).max(1);
    candidates
        .iter()
        .map(|candidate| (edit_distance(name, candidate), *candidate))
        .filter(|(distance, _)| *distance <= limit)
        .min_by_key(|(distance, _)| *distance)
        .map(|(_, candidate)| candidate)
}

/// Levenshtein distance where swapping two adjacent characters counts as one edit
/// (optimal string alignment), so `pre_clsoe` is one edit from `pre_close`.
fn edit_distance(a: &str, b: &str) -> usize {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    // rows[i][j]: distance between a[..i] and b[..j]
    let mut rows = vec![vec![0usize; b.len() + 1]; a.len() + 1];
    for (i, row) in rows.iter_mut().enumerate() {
        row[0] = i;
    }
    rows[0] = (0..=b.len()).collect();
    for i in 1..=a.len() {
        for j in 1..=b.len() {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            let mut best = (rows[i - 1][j] + 1)
                .min(rows[i][j - 1] + 1)
                .min(rows[i - 1][j - 1] + cost);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                best = best.min(rows[i - 2][j - 2] + 1);
            }
            rows[i][j] = best;
        }
    }
    rows[a.len()][b.len()]
}

#[cfg(test)]
mod tests {
    use super::{closest, edit_distance};

    #[test]
    fn transposition_is_one_edit() {
        assert_eq!(edit_distance("pre_clsoe", "pre_close"), 1);
        assert_eq!(edit_distance("weight", "weight"), 0);
        assert_eq!(edit_distance("", "app"), 3);
    }

    #[test]
    fn suggests_only_plausible_typos() {
        let points = ["pre_close", "post_close"];
        assert_eq!(closest("pre_clos", &points), Some("pre_close"));
        assert_eq!(closest("postclose", &points), Some("post_close"));
        assert_eq!(closest("shutdown", &points), None);
    }
}
