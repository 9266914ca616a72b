//! Parsing: the attribute's tokens become a small tree of [`Node`]s (only
//! syntax errors stop here), then the tree is read into the model of
//! `ast.rs`, reporting every unknown word and duplicate to the [`Ctxt`].

use proc_macro2::Span;
use syn::ext::IdentExt;
use syn::parse::{Parse, ParseStream};
use syn::punctuated::Punctuated;
use syn::spanned::Spanned;
use syn::{bracketed, parenthesized, Ident, LitInt, LitStr, Token};

use sandboxed_vocab::{FileOp, Right, Service, Word};

use crate::ast::{
    Attr, Db, Flags, Kind, Preopen, Principal, RightsEntry, RightsList, ServiceLimits, Source,
    Target,
};
use crate::ctxt::Ctxt;
use crate::symbol;

/// The generic syntax of the attribute.
pub enum Node {
    /// `read`
    Word(Ident),
    /// `file(...)`
    Call(Ident, Vec<Node>),
    /// `key = value`
    Assign(Ident, Box<Node>),
    Str(LitStr),
    Int(LitInt),
    /// `1..`
    RangeFrom(LitInt, Span),
    /// `[...]`
    List(Span, Vec<Node>),
    /// `("host", "service")`
    Tuple(Span, Vec<Node>),
    /// `{ expr }`
    Block(syn::Block),
    /// `_`
    Underscore(Span),
}

impl Node {
    pub fn span(&self) -> Span {
        match self {
            Node::Word(i) => i.span(),
            Node::Call(i, _) => i.span(),
            Node::Assign(i, _) => i.span(),
            Node::Str(s) => s.span(),
            Node::Int(i) => i.span(),
            Node::RangeFrom(_, s) | Node::List(s, _) | Node::Tuple(s, _) | Node::Underscore(s) => {
                *s
            }
            Node::Block(b) => b.brace_token.span.join(),
        }
    }

    /// What the node is, in words, for "expected ..." messages.
    fn describe(&self) -> &'static str {
        match self {
            Node::Word(_) => "a name",
            Node::Call(..) => "a call",
            Node::Assign(..) => "an assignment",
            Node::Str(_) => "a string",
            Node::Int(_) => "an integer",
            Node::RangeFrom(..) => "a range",
            Node::List(..) => "a list",
            Node::Tuple(..) => "a tuple",
            Node::Block(_) => "a block",
            Node::Underscore(_) => "`_`",
        }
    }
}

/// A comma-separated list of nodes (the attribute's arguments).
pub struct Nodes(pub Vec<Node>);

impl Parse for Nodes {
    fn parse(input: ParseStream) -> syn::Result<Self> {
        let list = Punctuated::<Node, Token![,]>::parse_terminated(input)?;
        Ok(Nodes(list.into_iter().collect()))
    }
}

fn parse_list(input: ParseStream) -> syn::Result<Vec<Node>> {
    Ok(Nodes::parse(input)?.0)
}

impl Parse for Node {
    fn parse(input: ParseStream) -> syn::Result<Self> {
        if input.peek(Token![_]) {
            let u: Token![_] = input.parse()?;
            return Ok(Node::Underscore(u.span));
        }
        if input.peek(Ident::peek_any) {
            let ident = Ident::parse_any(input)?;
            if input.peek(syn::token::Paren) {
                let content;
                parenthesized!(content in input);
                return Ok(Node::Call(ident, parse_list(&content)?));
            }
            if input.peek(Token![=]) && !input.peek(Token![==]) {
                input.parse::<Token![=]>()?;
                return Ok(Node::Assign(ident, Box::new(input.parse()?)));
            }
            return Ok(Node::Word(ident));
        }
        if input.peek(LitStr) {
            return Ok(Node::Str(input.parse()?));
        }
        if input.peek(LitInt) {
            let int: LitInt = input.parse()?;
            if input.peek(Token![..]) {
                let dots: Token![..] = input.parse()?;
                let span = int.span().join(dots.spans[1]).unwrap_or(int.span());
                return Ok(Node::RangeFrom(int, span));
            }
            return Ok(Node::Int(int));
        }
        if input.peek(syn::token::Bracket) {
            let content;
            let b = bracketed!(content in input);
            return Ok(Node::List(b.span.join(), parse_list(&content)?));
        }
        if input.peek(syn::token::Paren) {
            let content;
            let p = parenthesized!(content in input);
            return Ok(Node::Tuple(p.span.join(), parse_list(&content)?));
        }
        if input.peek(syn::token::Brace) {
            return Ok(Node::Block(input.parse()?));
        }
        Err(input
            .error("expected a name, a string, an integer, a list `[...]` or a block `{ ... }`"))
    }
}

/// Reads the attribute's nodes into the model.
pub fn read_attr(cx: &mut Ctxt, nodes: Vec<Node>) -> Attr {
    let mut attr = Attr::default();
    let mut seen: Vec<(String, Span)> = Vec::new();
    for node in nodes {
        let (key, span) = match &node {
            Node::Call(k, _) | Node::Assign(k, _) | Node::Word(k) => (k.to_string(), k.span()),
            other => {
                cx.error(
                    other.span(),
                    "expected `preopen(...)`, `rights(...)`, `services(...)`, `limits(...)`, `on_unsupported = ...`, `exit_code = ...`, `on_setup_error = ...` or `before_entry = ...`",
                );
                continue;
            }
        };
        let key = if symbol::TOP_KEYS.contains(&key.as_str()) {
            key
        } else {
            cx.unknown(span, "key", &key, symbol::TOP_KEYS.iter().copied());
            // Read on as the key it is closest to, so that the rest of the
            // attribute is checked in this same compile.
            match symbol::closest(&key, symbol::TOP_KEYS.iter().copied()) {
                Some(near) => near.to_owned(),
                None => {
                    attr.names_unknown = true;
                    continue;
                }
            }
        };
        if seen.iter().any(|(k, _)| *k == key) {
            cx.error(
                span,
                format!("duplicate `{key}`; merge the two into one `{key}`"),
            );
            continue;
        }
        seen.push((key.clone(), span));
        match (key.as_str(), node) {
            ("preopen", Node::Call(_, items)) => {
                for item in items {
                    match read_preopen(cx, item) {
                        Read::Whole(p) => {
                            if attr.preopens.iter().any(|q| q.name == p.name) {
                                cx.error(
                                    p.name.span(),
                                    format!("duplicate preopen `{}`; rename one of them", p.name),
                                );
                            } else {
                                attr.preopens.push(p);
                            }
                        }
                        Read::Partial(name) => attr.partial.push(name),
                        Read::Nothing => attr.names_unknown = true,
                    }
                }
            }
            ("rights", Node::Call(_, items)) => read_rights(cx, &mut attr, items),
            ("limits", Node::Call(_, items)) => read_limit_sets(cx, &mut attr, items),
            ("services", Node::Call(_, items)) => {
                for item in items {
                    match read_service(cx, item) {
                        Read::Whole(s) => {
                            if attr.services.iter().any(|t| t.name == s.name) {
                                cx.error(
                                    s.span,
                                    format!("duplicate service `{}`; declare it once", s.name),
                                );
                            } else {
                                attr.services.push(s);
                            }
                        }
                        Read::Partial(name) => attr.partial.push(name),
                        Read::Nothing => attr.names_unknown = true,
                    }
                }
            }
            ("on_unsupported", Node::Assign(_, value)) => match *value {
                Node::Str(s) if s.value() == "deny" => attr.warn = Some((false, s.span())),
                Node::Str(s) if s.value() == "warn" => attr.warn = Some((true, s.span())),
                Node::Str(s) => cx.unknown(s.span(), "policy", &s.value(), ["deny", "warn"]),
                other => cx.error(
                    other.span(),
                    "expected `\"deny\"` or `\"warn\"`: `on_unsupported = \"warn\"`",
                ),
            },
            ("exit_code", Node::Assign(_, value)) => match *value {
                Node::Int(i) => match i.base10_parse::<u8>() {
                    Ok(n) => attr.exit_code = Some((i32::from(n), i.span())),
                    Err(_) => {
                        cx.error(i.span(), "`exit_code` must be an exit status from 0 to 255")
                    }
                },
                other => cx.error(other.span(), "expected an integer: `exit_code = 2`"),
            },
            ("on_setup_error", Node::Assign(_, value)) => match *value {
                Node::Word(f) => {
                    attr.on_setup_error = Some((quote::quote!(#f), f.span()));
                }
                Node::Block(b) => {
                    let span = b.brace_token.span.join();
                    attr.on_setup_error = Some((quote::quote!(#b), span));
                }
                other => cx.error(
                    other.span(),
                    "expected a function: `on_setup_error = report`, with `fn report(e: &sandboxed::Error) -> i32`, or a block giving one",
                ),
            },
            ("before_entry", Node::Assign(_, value)) => match *value {
                Node::Word(f) => {
                    attr.before_entry = Some((quote::quote!(#f), f.span()));
                }
                Node::Block(b) => {
                    let span = b.brace_token.span.join();
                    attr.before_entry = Some((quote::quote!(#b), span));
                }
                other => cx.error(
                    other.span(),
                    "expected a function: `before_entry = init`, with `fn init()` or `fn init() -> Result<(), E>`, or a block giving one",
                ),
            },
            ("on_unsupported" | "exit_code" | "on_setup_error" | "before_entry", _) => {
                cx.error(span, format!("expected `{key} = ...`"));
            }
            (_, _) => {
                cx.error(span, format!("expected `{key}(...)`"));
                if key != "rights" {
                    attr.names_unknown = true;
                }
            }
        }
    }
    attr
}

/// A declaration as far as it could be read.
enum Read<T> {
    /// All of it.
    Whole(T),
    /// Only its name: it counts as declared.
    Partial(Ident),
    /// Not even its name.
    Nothing,
}

fn read_preopen(cx: &mut Ctxt, node: Node) -> Read<Preopen> {
    let Node::Assign(name, value) = node else {
        cx.error(
            node.span(),
            "expected `NAME = KIND(...)`: `file`, `dir`, `files`, `tcp_listener`, `unix_listener`, `tcp_stream` or `unix_stream`",
        );
        return Read::Nothing;
    };
    let (kind_ident, args) = match *value {
        Node::Call(k, args) => (k, args),
        Node::Word(k) => (k, Vec::new()),
        other => {
            cx.error(
                other.span(),
                format!("expected a kind after `{name} =`: `file(...)`, `dir(...)`, `files(...)`, `tcp_listener(...)`, `unix_listener(...)`, `tcp_stream(...)` or `unix_stream(...)`"),
            );
            return Read::Partial(name);
        }
    };
    let word = kind_ident.to_string();
    let kind = match Kind::from_name(&word) {
        Some(kind) => kind,
        None => {
            cx.unknown(
                kind_ident.span(),
                "kind",
                &word,
                symbol::KINDS.iter().copied(),
            );
            // Read on as the closest kind, so that its flags, rights and
            // parameter are checked in this same compile.
            match symbol::closest(&word, symbol::KINDS.iter().copied()).and_then(Kind::from_name) {
                Some(kind) => kind,
                None => return Read::Partial(name),
            }
        }
    };
    let mut args = args.into_iter();
    let Some(first) = args.next() else {
        cx.error(
            kind_ident.span(),
            format!(
                "`{}` needs a source: `{}(arg(1))`, `{}(\"path\")`, `{}(env(\"VAR\"))` or `{}({{ expr }})`",
                kind.name(),
                kind.name(),
                kind.name(),
                kind.name(),
                kind.name()
            ),
        );
        return Read::Partial(name);
    };
    let source = read_source(cx, first);
    if let (Some(Source::Literal(lit)), true) = (&source, kind.is_tcp()) {
        check_tcp_address(cx, lit);
    }
    let allowed = match kind {
        Kind::Dir => symbol::DIR_FLAGS,
        Kind::File | Kind::Files => symbol::FILE_FLAGS,
        k if k.is_listener() => symbol::LISTENER_FLAGS,
        _ => symbol::STREAM_FLAGS,
    };
    let flags = read_flags(cx, args, allowed, kind.name());
    match source {
        Some(source) => Read::Whole(Preopen {
            name,
            kind,
            source,
            flags,
        }),
        None => Read::Partial(name),
    }
}

/// A TCP socket's literal source is `HOST:PORT` (resolved before entry,
/// as std's `ToSocketAddrs` does): an IP address or a host name, and a
/// port number.
fn check_tcp_address(cx: &mut Ctxt, lit: &LitStr) {
    let text = lit.value();
    let ok = match text.rsplit_once(':') {
        Some((host, port)) => {
            let host_ok = match host.strip_prefix('[') {
                Some(v6) => v6
                    .strip_suffix(']')
                    .is_some_and(|a| a.parse::<std::net::Ipv6Addr>().is_ok()),
                None => !host.is_empty() && !host.contains(':'),
            };
            host_ok && port.parse::<u16>().is_ok()
        }
        None => false,
    };
    if !ok {
        cx.error(
            lit.span(),
            format!("`{text}` is not `HOST:PORT`; write `\"127.0.0.1:8080\"`, `\"[::1]:8080\"` or `\"localhost:8080\"`"),
        );
    }
}

fn read_source(cx: &mut Ctxt, node: Node) -> Option<Source> {
    match node {
        Node::Str(s) if s.value().is_empty() => {
            cx.error(
                s.span(),
                "an empty path names nothing (the kernel answers `ENOENT`); write the path, or take it from `arg(1)` or `env(\"VAR\")`",
            );
            None
        }
        Node::Str(s) => Some(Source::Literal(s)),
        Node::Block(b) => Some(Source::Expr(b)),
        Node::Call(f, args) => {
            let name = f.to_string();
            let mut args = args.into_iter();
            let arg = args.next();
            if let Some(extra) = args.next() {
                cx.error(extra.span(), format!("`{name}(...)` takes one argument"));
            }
            match (name.as_str(), arg) {
                ("arg", Some(Node::Int(i))) => match i.base10_parse::<usize>() {
                    Ok(0) => {
                        cx.error(
                            i.span(),
                            "`arg(0)` is the program's own name, not a path; use `arg(1)` for the first argument",
                        );
                        None
                    }
                    Ok(n) => Some(Source::Arg(n)),
                    Err(_) => {
                        cx.error(i.span(), format!("`arg({i})` is no argument's index: an index is a `usize`, such as `arg(1)`"));
                        None
                    }
                },
                ("arg", Some(Node::RangeFrom(i, span))) => {
                    cx.error(
                        span,
                        format!("`arg` takes one index; for every argument from {} on, write `args({}..)`", i, i),
                    );
                    None
                }
                ("args", Some(Node::RangeFrom(i, span))) => match i.base10_parse::<usize>() {
                    Ok(0) => {
                        cx.error(
                            i.span(),
                            "`args(0..)` includes the program's own name; start at `args(1..)`",
                        );
                        None
                    }
                    Ok(n) => Some(Source::Args(n, span)),
                    Err(_) => {
                        cx.error(i.span(), format!("`args({i}..)` starts at no argument's index: an index is a `usize`, such as `args(1..)`"));
                        None
                    }
                },
                ("args", Some(Node::Int(i))) => {
                    cx.error(i.span(), format!("`args` takes a range: `args({i}..)`; for one argument write `arg({i})`"));
                    None
                }
                ("env", Some(Node::Str(s))) if s.value().is_empty() || s.value().contains('=') => {
                    cx.error(
                        s.span(),
                        format!("`env({:?})` names no variable: a name is not empty and has no `=` (setenv(3)); write `env(\"VAR\")`", s.value()),
                    );
                    None
                }
                ("env", Some(Node::Str(s))) => Some(Source::Env(s)),
                ("env", Some(Node::Word(w))) => {
                    cx.error(
                        w.span(),
                        format!("the variable's name is a string: `env(\"{w}\")`"),
                    );
                    None
                }
                ("arg" | "args" | "env", other) => {
                    let example = match name.as_str() {
                        "arg" => "`arg(1)`",
                        "args" => "`args(1..)`",
                        _ => "`env(\"VAR\")`",
                    };
                    let span = other.as_ref().map_or(f.span(), Node::span);
                    cx.error(span, format!("expected {example}"));
                    None
                }
                (other, _) => {
                    cx.unknown(f.span(), "source", other, symbol::SOURCES.iter().copied());
                    None
                }
            }
        }
        Node::Word(w) => {
            let word = w.to_string();
            if symbol::SOURCES.contains(&word.as_str()) {
                cx.error(
                    w.span(),
                    format!("`{word}` needs an argument: `{word}(...)`"),
                );
            } else {
                cx.error(
                    w.span(),
                    format!("expected a source: `\"path\"`, `arg(1)`, `args(1..)`, `env(\"VAR\")` or `{{ expr }}`; to use the variable `{word}`, write `{{ {word} }}`"),
                );
            }
            None
        }
        other => {
            cx.error(
                other.span(),
                format!(
                    "expected a source, found {}: `\"path\"`, `arg(1)`, `args(1..)`, `env(\"VAR\")` or `{{ expr }}`",
                    other.describe()
                ),
            );
            None
        }
    }
}

fn read_flags(
    cx: &mut Ctxt,
    args: impl Iterator<Item = Node>,
    allowed: &[&str],
    kind: &str,
) -> Flags {
    let mut flags = Flags::default();
    for node in args {
        let (word, span, value) = match node {
            Node::Word(w) => (w.to_string(), w.span(), None),
            Node::Assign(w, v) => (w.to_string(), w.span(), Some(*v)),
            other => {
                cx.error(
                    other.span(),
                    format!("expected a flag of `{kind}`, found {}; the source comes first and only once", other.describe()),
                );
                continue;
            }
        };
        if !allowed.contains(&word.as_str()) {
            if symbol::is_flag(&word) {
                cx.error(
                    span,
                    format!(
                        "`{word}` is not a flag of `{kind}`; `{kind}` takes {}",
                        list(allowed)
                    ),
                );
            } else {
                cx.unknown(
                    span,
                    &format!("flag|{kind}"),
                    &word,
                    allowed.iter().copied(),
                );
            }
            continue;
        }
        let slot = match word.as_str() {
            "read" => &mut flags.read,
            "write" => &mut flags.write,
            "append" => &mut flags.append,
            "create" => &mut flags.create,
            "truncate" => &mut flags.truncate,
            "exclusive" => &mut flags.exclusive,
            "optional" => &mut flags.optional,
            "dash" => &mut flags.dash,
            "fallible" => &mut flags.fallible,
            "nonblocking" => &mut flags.nonblocking,
            "backlog" => {
                if flags.backlog.is_some() {
                    cx.error(span, "duplicate `backlog`; keep one");
                    continue;
                }
                match value {
                    Some(Node::Int(i)) => match i.base10_parse::<u32>() {
                        Ok(n) if (1..=65_535).contains(&n) => flags.backlog = Some((n, i.span())),
                        _ => cx.error(
                            i.span(),
                            "`backlog` is a queue length from 1 to 65535, such as `backlog = 128`",
                        ),
                    },
                    Some(other) => cx.error(other.span(), "expected an integer: `backlog = 128`"),
                    None => cx.error(span, "`backlog` needs a value: `backlog = 128`"),
                }
                continue;
            }
            _ => {
                // `mode = 0o644`
                if flags.mode.is_some() {
                    cx.error(span, "duplicate `mode`; keep one");
                    continue;
                }
                match value {
                    Some(Node::Int(i)) => match i.base10_parse::<u32>() {
                        Ok(m) if m <= 0o7777 => flags.mode = Some((m, i.span())),
                        _ => cx.error(
                            i.span(),
                            "`mode` is a permission mode from 0 to 0o7777, such as `mode = 0o644`",
                        ),
                    },
                    Some(other) => cx.error(other.span(), "expected an integer: `mode = 0o644`"),
                    None => cx.error(span, "`mode` needs a value: `mode = 0o644`"),
                }
                continue;
            }
        };
        if let Some(v) = value {
            cx.error(v.span(), format!("`{word}` takes no value; write `{word}`"));
            continue;
        }
        if slot.is_some() {
            cx.error(span, format!("duplicate flag `{word}`; keep one"));
            continue;
        }
        *slot = Some(span);
    }
    flags
}

fn list(words: &[&str]) -> String {
    let v: Vec<String> = words.iter().map(|w| format!("`{w}`")).collect();
    v.join(", ")
}

fn read_rights(cx: &mut Ctxt, attr: &mut Attr, items: Vec<Node>) {
    for item in items {
        match item {
            Node::Word(w) if w == "stdio" => {
                if attr.stdio.is_some() {
                    cx.error(w.span(), "duplicate `stdio`; keep one");
                } else {
                    attr.stdio = Some(w.span());
                }
            }
            Node::Assign(target, value) => {
                let name = target.to_string();
                let target = match name.as_str() {
                    "stdin" => Target::Stdio("stdin", target.span()),
                    "stdout" => Target::Stdio("stdout", target.span()),
                    "stderr" => Target::Stdio("stderr", target.span()),
                    "stdio" => {
                        cx.error(
                            target.span(),
                            "`stdio` takes no list: write a bare `stdio` for the `caph_limit_stdio` set, or `stdin = [...]`, `stdout = [...]`, `stderr = [...]`",
                        );
                        continue;
                    }
                    _ => Target::Preopen(target),
                };
                let Some(list) = read_rights_list(cx, *value) else {
                    continue;
                };
                if attr.rights.iter().any(|e| e.target.name() == target.name()) {
                    cx.error(
                        target.span(),
                        format!(
                            "duplicate rights for `{}`; merge them into one list",
                            target.name()
                        ),
                    );
                    continue;
                }
                attr.rights.push(RightsEntry { target, list });
            }
            Node::Word(w) => cx.error(
                w.span(),
                format!("expected `{w} = [RIGHT, ...]`, or a bare `stdio`"),
            ),
            other => cx.error(other.span(), "expected `NAME = [RIGHT, ...]` or `stdio`"),
        }
    }
}

/// `limits(NAME = [RIGHT, ...], NAME = ([RIGHT, ...], max = N))`.
fn read_limit_sets(cx: &mut Ctxt, attr: &mut Attr, items: Vec<Node>) {
    for item in items {
        let Node::Assign(name, value) = item else {
            cx.error(
                item.span(),
                "expected `NAME = [RIGHT, ...]`: a rights set to limit descriptors to after entry",
            );
            continue;
        };
        let (list, max) = match *value {
            Node::Tuple(span, parts) => {
                let mut parts = parts.into_iter();
                let list = match parts.next() {
                    Some(first @ Node::List(..)) => read_rights_list(cx, first),
                    _ => {
                        cx.error(span, format!("expected `{name} = ([RIGHT, ...], max = N)`"));
                        None
                    }
                };
                let mut max = None;
                for part in parts {
                    match part {
                        Node::Assign(k, v) if k == "max" && max.is_none() => match *v {
                            Node::Int(i) => match i.base10_parse::<u32>() {
                                Ok(n) if (1..=1024).contains(&n) => max = Some((n, i.span())),
                                _ => cx.error(
                                    i.span(),
                                    "`max` is how many such descriptors may be open at once, from 1 to 1024",
                                ),
                            },
                            other => cx.error(other.span(), "expected an integer: `max = 256`"),
                        },
                        other => cx.error(
                            other.span(),
                            format!("expected `max = N` after the rights of `{name}`"),
                        ),
                    }
                }
                (list, max)
            }
            // `limits(Conn = [..], max = 2)`: `max` read as a set's name.
            Node::Int(i) if name == "max" => {
                cx.error(
                    i.span(),
                    "`max` goes with its set's rights, in parentheses: `limits(Conn = ([recv, send], max = 2))`",
                );
                continue;
            }
            other => (read_rights_list(cx, other), None),
        };
        let Some(list) = list else { continue };
        if attr.limit_sets.iter().any(|s| s.name == name) {
            cx.error(
                name.span(),
                format!("duplicate rights set `{name}`; merge the two lists"),
            );
            continue;
        }
        attr.limit_sets
            .push(crate::ast::LimitSet { name, list, max });
    }
}

/// `[read, seek, ioctls(fionread), fcntls(getfl)]`.
pub fn read_rights_list(cx: &mut Ctxt, node: Node) -> Option<RightsList> {
    let Node::List(span, items) = node else {
        cx.error(node.span(), "expected a list of rights: `[read, fstat]`");
        return None;
    };
    let mut list = RightsList::new(span);
    for item in items {
        match item {
            Node::Word(w) => {
                let name = w.to_string();
                match Right::from_name(&name) {
                    Some(r) if list.rights.iter().any(|(q, _)| *q == r) => {
                        cx.error(w.span(), format!("duplicate right `{name}`; keep one"));
                    }
                    Some(r) => list.rights.push((r, w.span())),
                    None => {
                        let hint = name.strip_prefix("cap_").or(name.strip_prefix("CAP_"));
                        match hint
                            .map(str::to_lowercase)
                            .and_then(|h| Right::from_name(&h))
                        {
                            Some(r) => cx.error(
                                w.span(),
                                format!("rights are written in lower case without `CAP_`: `{r}`"),
                            ),
                            None => cx.unknown(w.span(), "right", &name, symbol::names::<Right>()),
                        }
                    }
                }
            }
            Node::Call(f, cmds) if f == "ioctls" => {
                if let Some(c) = read_commands(cx, &f, cmds, list.ioctls.is_some(), "ioctl") {
                    list.ioctls = Some((c, f.span()));
                }
            }
            Node::Call(f, cmds) if f == "fcntls" => {
                if let Some(c) = read_commands(cx, &f, cmds, list.fcntls.is_some(), "fcntl") {
                    list.fcntls = Some((c, f.span()));
                }
            }
            Node::Call(f, _) => cx.unknown(
                f.span(),
                "rights group",
                &f.to_string(),
                ["ioctls", "fcntls"],
            ),
            other => cx.error(
                other.span(),
                format!(
                    "expected a right, `ioctls(...)` or `fcntls(...)`, found {}",
                    other.describe()
                ),
            ),
        }
    }
    Some(list)
}

/// The commands of `ioctls(...)` or `fcntls(...)` (`f`), `what` being
/// `ioctl` or `fcntl`; `None` if `f` was given before or names none.
fn read_commands<W: Word>(
    cx: &mut Ctxt,
    f: &Ident,
    cmds: Vec<Node>,
    given: bool,
    what: &str,
) -> Option<Vec<W>> {
    if given {
        cx.error(
            f.span(),
            format!("duplicate `{f}(...)`; merge them into one"),
        );
        return None;
    }
    if cmds.is_empty() {
        cx.error(
            f.span(),
            format!("`{f}()` allows no command at all, which contradicts the `{what}` right it implies; name the commands, or remove `{f}()`"),
        );
        return None;
    }
    let mut out = Vec::new();
    for cmd in cmds {
        match cmd {
            Node::Word(c) => match W::from_name(&c.to_string()) {
                Some(v) if out.contains(&v) => {
                    cx.error(c.span(), format!("duplicate `{c}`; keep one"));
                }
                Some(v) => out.push(v),
                None => cx.unknown(
                    c.span(),
                    &format!("{what} command"),
                    &c.to_string().to_lowercase(),
                    symbol::names::<W>(),
                ),
            },
            other => cx.error(
                other.span(),
                format!(
                    "expected an {what} command name, such as `{f}({})`",
                    W::ALL[0].name()
                ),
            ),
        }
    }
    Some(out)
}

fn read_service(cx: &mut Ctxt, node: Node) -> Read<crate::ast::Service> {
    let (ident, args) = match node {
        Node::Call(i, args) => (i, args),
        Node::Word(i) => (i, Vec::new()),
        other => {
            cx.error(other.span(), "expected a service: `dns(...)`, `net(...)`, `pwd(...)`, `grp(...)`, `sysctl(...)`, `syslog` or `fileargs(...)`");
            return Read::Nothing;
        }
    };
    let word = ident.to_string();
    let Some(service) = Service::from_name(&word) else {
        cx.unknown(ident.span(), "service", &word, symbol::names::<Service>());
        // The parameter is named after the service the user meant: read
        // on as the closest one.
        return match symbol::closest(&word, symbol::names::<Service>()).and_then(Service::from_name)
        {
            Some(near) => read_limits(cx, near, ident.span(), args),
            None => Read::Partial(ident),
        };
    };
    read_limits(cx, service, ident.span(), args)
}

/// The limits of `service`, written at `span`.
fn read_limits(
    cx: &mut Ctxt,
    service: Service,
    span: Span,
    args: Vec<Node>,
) -> Read<crate::ast::Service> {
    let (name, keys) = (service.name(), service.limits());
    let mut seen: Vec<String> = Vec::new();
    let mut pairs = Vec::new();
    let mut positional = Vec::new();
    for arg in args {
        match arg {
            // `fileargs(.., create, mode = 0o640)`: `mode` is a flag of the
            // files (fileargs_init(3)'s `mode`), not a limit.
            Node::Assign(k, v) if service == Service::FileArgs && k == "mode" => {
                positional.push(Node::Assign(k, v))
            }
            Node::Assign(k, v) => {
                let key = k.to_string();
                if !keys.contains(&key.as_str()) {
                    if keys.is_empty() {
                        cx.error(k.span(), format!("`{name}` has no limits; write `{name}`"));
                    } else {
                        cx.unknown(
                            k.span(),
                            &format!("limit|{name}"),
                            &key,
                            keys.iter().copied(),
                        );
                    }
                    continue;
                }
                if seen.contains(&key) {
                    cx.error(
                        k.span(),
                        format!("duplicate limit `{key}`; merge the lists"),
                    );
                    continue;
                }
                seen.push(key.clone());
                if let Node::List(lspan, items) = &*v {
                    if items.is_empty() && key != "rights" {
                        cx.error(*lspan, empty_limit(service, &key));
                        continue;
                    }
                }
                pairs.push((key, k.span(), *v));
            }
            other if service == Service::FileArgs => positional.push(other),
            other => {
                let fix = if keys.is_empty() {
                    format!("`{name}` has no limits; write `{name}`")
                } else {
                    format!("expected `LIMIT = [...]`; `{name}` takes {}", list(keys))
                };
                cx.error(other.span(), fix);
            }
        }
    }
    let limits = match service {
        Service::Dns => {
            let mut types = Vec::new();
            let mut families = Vec::new();
            for (key, _, v) in pairs {
                match key.as_str() {
                    "types" => types = read_words(cx, v, "lookup type", false),
                    _ => families = read_words(cx, v, "address family", false),
                }
            }
            ServiceLimits::Dns { types, families }
        }
        Service::Net => {
            let mut modes = Vec::new();
            let mut hosts = Vec::new();
            let mut families = Vec::new();
            let mut bind = Vec::new();
            let mut connect = Vec::new();
            for (key, _, v) in pairs {
                match key.as_str() {
                    "modes" => modes = read_words(cx, v, "net mode", false),
                    "families" => families = read_words(cx, v, "address family", false),
                    "hosts" => hosts = read_hosts(cx, v),
                    "bind" => bind = read_addrs(cx, v),
                    _ => connect = read_addrs(cx, v),
                }
            }
            ServiceLimits::Net {
                modes,
                hosts,
                families,
                bind,
                connect,
            }
        }
        Service::Pwd => ServiceLimits::Pwd(read_db(cx, name, pairs)),
        Service::Grp => ServiceLimits::Grp(read_db(cx, name, pairs)),
        Service::Sysctl => {
            let mut entries: Vec<(String, bool, bool, bool)> = Vec::new();
            let mut recursive = Vec::new();
            for (key, _, v) in pairs {
                for (s, sspan) in read_strings(cx, v) {
                    match key.as_str() {
                        "recursive" => recursive.push((s, sspan)),
                        k => {
                            let e = match entries.iter_mut().find(|e| e.0 == s) {
                                Some(e) => e,
                                None => {
                                    entries.push((s, false, false, false));
                                    entries.last_mut().expect("just pushed")
                                }
                            };
                            if k == "read" {
                                e.1 = true;
                            } else {
                                e.2 = true;
                            }
                        }
                    }
                }
            }
            for (s, sspan) in recursive {
                match entries.iter_mut().find(|e| e.0 == s) {
                    Some(e) => e.3 = true,
                    None => cx.error(
                        sspan,
                        format!("`recursive` only widens an entry of `read` or `write`; add `\"{s}\"` to `read = [...]` or `write = [...]`"),
                    ),
                }
            }
            ServiceLimits::Sysctl { entries }
        }
        Service::Syslog => ServiceLimits::Syslog,
        Service::FileArgs => read_fileargs(cx, span, positional, pairs),
    };
    Read::Whole(crate::ast::Service {
        name: service,
        span,
        limits,
    })
}

/// Why `key = []` of `service` is refused: libcasper reads a limit that
/// names nothing as no limit (cap_dns.c `dns_allowed_type`: "If there are
/// no types at all, allow any type"), so the empty list would allow all
/// of what it seems to forbid; fileargs(3) without operations could not
/// even open its files.
fn empty_limit(service: Service, key: &str) -> String {
    if service == Service::FileArgs {
        return format!("`{key} = []` allows no operation, so no file could be opened; name them (`[open]` is the default), or remove `{key}`");
    }
    format!("`{key} = []` would not limit `{}`: an empty limit is no limit to libcasper, so everything would be allowed; name what is allowed, or remove `{key}` to allow all", service.name())
}

fn read_fileargs(
    cx: &mut Ctxt,
    span: Span,
    positional: Vec<Node>,
    pairs: Vec<(String, Span, Node)>,
) -> ServiceLimits {
    let mut positional = positional.into_iter();
    let source = match positional.next() {
        Some(first) => read_source(cx, first),
        None => {
            cx.error(
                span,
                "`fileargs` needs the file names: `fileargs(args(1..), ...)`",
            );
            None
        }
    };
    let flags = read_flags(cx, positional, symbol::FILEARGS_FLAGS, "fileargs");
    let mut rights = None;
    let mut operations = vec![FileOp::Open];
    for (key, _, v) in pairs {
        match key.as_str() {
            "rights" => rights = read_rights_list(cx, v),
            _ => operations = read_words(cx, v, "fileargs operation", false),
        }
    }
    ServiceLimits::FileArgs {
        source,
        flags,
        rights,
        operations,
    }
}

fn list_items(cx: &mut Ctxt, node: Node, example: &str) -> Vec<Node> {
    match node {
        Node::List(_, items) => items,
        other => {
            cx.error(other.span(), format!("expected a list: `{example}`"));
            Vec::new()
        }
    }
}

/// `[word, ...]`, each a word of `W`; with `strings`, also written as
/// strings (`pwd` and `grp` take libcasper's names either way).
fn read_words<W: Word>(cx: &mut Ctxt, node: Node, what: &str, strings: bool) -> Vec<W> {
    let names: Vec<&str> = symbol::names::<W>().collect();
    let example = format!("[{}]", names[0]);
    let mut out = Vec::new();
    for item in list_items(cx, node, &example) {
        let (word, span) = match item {
            Node::Word(w) => (w.to_string(), w.span()),
            Node::Str(s) if strings => (s.value(), s.span()),
            other if strings => {
                cx.error(other.span(), format!("expected a {what}: {}", list(&names)));
                continue;
            }
            other => {
                cx.error(other.span(), format!("expected a {what}: {}", list(&names)));
                continue;
            }
        };
        match W::from_name(&word) {
            Some(w) if out.contains(&w) => cx.error(span, format!("duplicate `{word}`; keep one")),
            Some(w) => out.push(w),
            None => cx.unknown(span, what, &word, names.iter().copied()),
        }
    }
    out
}

/// `cmds`, `fields` and `users` / `groups` of `pwd` or `grp` (`name`).
fn read_db<Cmd: Word, Field: Word>(
    cx: &mut Ctxt,
    name: &str,
    pairs: Vec<(String, Span, Node)>,
) -> Db<Cmd, Field> {
    let mut db = Db {
        cmds: Vec::new(),
        fields: Vec::new(),
        principals: Vec::new(),
    };
    for (key, _, v) in pairs {
        match key.as_str() {
            "cmds" => db.cmds = read_words(cx, v, &format!("`{name}` command"), true),
            "fields" => db.fields = read_words(cx, v, &format!("`{name}` field"), true),
            _ => db.principals = read_principals(cx, v),
        }
    }
    db
}

fn read_strings(cx: &mut Ctxt, node: Node) -> Vec<(String, Span)> {
    let mut out = Vec::new();
    for item in list_items(cx, node, "[\"kern.ostype\"]") {
        match item {
            Node::Str(s) => out.push((s.value(), s.span())),
            other => cx.error(other.span(), "expected a string: `\"kern.ostype\"`"),
        }
    }
    out
}

fn read_principals(cx: &mut Ctxt, node: Node) -> Vec<Principal> {
    let mut out = Vec::new();
    for item in list_items(cx, node, "[\"root\", 0]") {
        match item {
            Node::Str(s) => out.push(Principal::Name(s.value())),
            Node::Int(i) => match i.base10_parse::<u32>() {
                Ok(n) => out.push(Principal::Id(n)),
                Err(_) => cx.error(
                    i.span(),
                    format!("`{i}` is no numeric id: an id is a `uid_t` / `gid_t`, from 0 to 4294967295"),
                ),
            },
            other => cx.error(
                other.span(),
                "expected a name (`\"root\"`) or a numeric id (`0`)",
            ),
        }
    }
    out
}

fn read_hosts(cx: &mut Ctxt, node: Node) -> Vec<(Option<String>, Option<String>)> {
    let opt = |cx: &mut Ctxt, n: Node| match n {
        Node::Str(s) => Some(Some(s.value())),
        Node::Underscore(_) => Some(None),
        other => {
            cx.error(other.span(), "expected a string or `_` (any)");
            None
        }
    };
    let mut out = Vec::new();
    for item in list_items(cx, node, "[(\"example.org\", \"https\")]") {
        match item {
            Node::Str(s) => out.push((Some(s.value()), None)),
            Node::Tuple(span, parts) if parts.len() == 2 => {
                let mut parts = parts.into_iter();
                let host = opt(cx, parts.next().expect("two parts"));
                let serv = opt(cx, parts.next().expect("two parts"));
                if let (Some(h), Some(s)) = (host, serv) {
                    if h.is_none() && s.is_none() {
                        cx.error(span, "`(_, _)` limits nothing; remove it");
                    } else {
                        out.push((h, s));
                    }
                }
            }
            other => cx.error(
                other.span(),
                "expected `\"host\"` or `(\"host\", \"service\")`, `_` for any",
            ),
        }
    }
    out
}

fn read_addrs(cx: &mut Ctxt, node: Node) -> Vec<std::net::SocketAddr> {
    let mut out = Vec::new();
    for item in list_items(cx, node, "[\"127.0.0.1:8080\"]") {
        match item {
            Node::Str(s) => match s.value().parse() {
                Ok(a) => out.push(a),
                Err(_) => cx.error(
                    s.span(),
                    format!("`{}` is not a socket address; write `\"127.0.0.1:8080\"` or `\"[::1]:8080\"`", s.value()),
                ),
            },
            other => cx.error(other.span(), "expected a socket address: `\"127.0.0.1:8080\"`"),
        }
    }
    out
}

/// The function's parameters, in order; `params_unknown` is set when one
/// could not be read (so "declared but no parameter" is not reported).
pub fn read_params(cx: &mut Ctxt, attr: &mut Attr, sig: &syn::Signature) -> Vec<crate::ast::Param> {
    let mut out = Vec::new();
    for input in &sig.inputs {
        match input {
            syn::FnArg::Receiver(r) => {
                cx.error(
                    r.span(),
                    "`#[sandboxed]` goes on a free function, not a method; move the body into a free `fn`",
                );
                attr.params_unknown = true;
            }
            syn::FnArg::Typed(pt) => match &*pt.pat {
                syn::Pat::Ident(pi) if pi.by_ref.is_none() && pi.subpat.is_none() => {
                    out.push(crate::ast::Param {
                        name: pi.ident.clone(),
                        mutability: pi.mutability,
                        ty: (*pt.ty).clone(),
                        attrs: pt.attrs.clone(),
                    });
                }
                other => {
                    cx.error(
                        other.span(),
                        "a parameter of a `#[sandboxed]` function is a plain name matching a declaration: `old: File`",
                    );
                    attr.params_unknown = true;
                }
            },
        }
    }
    out
}
