//! Checks across the model, one small function each, all reporting to the
//! [`Ctxt`]. Parsing has already rejected unknown words and duplicates;
//! these rules need more than one declaration (or the function) to decide.

use proc_macro2::Span;
use syn::spanned::Spanned;

use sandboxed_vocab::{FileOp, NetMode, Right, RightSet, Word, SOCKET_RIGHTS};

use crate::ast::{Attr, Flags, Kind, Param, Preopen, RightsList, ServiceLimits, Source, Target};
use crate::ctxt::Ctxt;
use crate::symbol;

pub fn check(cx: &mut Ctxt, attr: &Attr, func: &syn::ItemFn, params: &[Param]) {
    check_function(cx, func);
    for p in &attr.preopens {
        check_flags(cx, &format!("preopen `{}`", p.name), p.kind, &p.flags);
        check_source(cx, p.kind, &p.source);
    }
    check_names(cx, attr);
    check_stdio(cx, attr);
    check_setup_error(cx, attr);
    check_rights_fit(cx, attr);
    check_services(cx, attr);
    // Every check runs whatever the others found, so that one compile
    // reports every error of the attribute; a declaration read only in
    // part (`Attr::partial`) still counts as declared.
    if !attr.names_unknown {
        check_rights_targets(cx, attr);
    }
    check_params(cx, attr, params);
}

/// Only a plain free `fn` can become the sandboxed entry point.
fn check_function(cx: &mut Ctxt, func: &syn::ItemFn) {
    let sig = &func.sig;
    if let Some(c) = &sig.constness {
        cx.error(c.span, "a `#[sandboxed]` function cannot be `const`: it opens files and enters the sandbox at run time; remove `const`");
    }
    if let Some(u) = &sig.unsafety {
        cx.error(u.span, "a `#[sandboxed]` function cannot be `unsafe`; remove `unsafe` and use `unsafe` blocks inside");
    }
    if let Some(abi) = &sig.abi {
        cx.error(
            abi.span(),
            "a `#[sandboxed]` function cannot be `extern`; remove the ABI",
        );
    }
    if let Some(v) = &sig.variadic {
        cx.error(v.span(), "a `#[sandboxed]` function cannot be variadic");
    }
    if !sig.generics.params.is_empty() || sig.generics.where_clause.is_some() {
        cx.error(
            sig.generics.span(),
            "a `#[sandboxed]` function cannot be generic: its handles get their types from the attribute; remove the generic parameters",
        );
    }
    if let Some(a) = &sig.asyncness {
        if !func.attrs.iter().any(is_tokio_main) {
            cx.error(
                a.span,
                "an `async` `#[sandboxed]` function needs a runtime: add `#[tokio::main]` below `#[sandboxed(...)]`, or remove `async`",
            );
        }
    }
}

/// `#[tokio::main]` (or `#[tokio::main(...)]`).
pub fn is_tokio_main(attr: &syn::Attribute) -> bool {
    let segs: Vec<String> = attr
        .path()
        .segments
        .iter()
        .map(|s| s.ident.to_string())
        .collect();
    segs == ["tokio", "main"]
}

/// The open flags that contradict each other; `owner` names where they
/// are written (``preopen `x` ``, `` `fileargs` ``).
fn check_flags(cx: &mut Ctxt, owner: &str, kind: Kind, f: &Flags) {
    if let (Some(t), false) = (f.truncate, f.write.is_some()) {
        cx.error(
            t,
            format!("`truncate` needs the file opened for writing; add `write` to {owner}"),
        );
    }
    if let (Some(t), Some(_)) = (f.truncate, f.append) {
        cx.error(
            t,
            format!("`truncate` and `append` contradict each other; remove one from {owner}"),
        );
    }
    if let (Some(e), None) = (f.exclusive, f.create) {
        cx.error(
            e,
            format!("`exclusive` only applies to a created file; add `create` to {owner}"),
        );
    }
    if let (Some((_, m)), None) = (f.mode, f.create) {
        cx.error(
            m,
            format!(
                "`mode` only applies to a created {}; add `create` to {owner}",
                if kind == Kind::Dir {
                    "directory"
                } else {
                    "file"
                }
            ),
        );
    }
    if let (Some(o), Some(_)) = (f.optional, f.create) {
        cx.error(
            o,
            format!("`optional` contradicts `create`: a created file is never missing; remove one from {owner}"),
        );
    }
    if let (Some(o), Some(_)) = (f.optional, f.fallible) {
        cx.error(
            o,
            format!("`optional` and `fallible` overlap: with `fallible` a missing file is already its operand's error; remove `optional` from {owner}"),
        );
    }
    if let (Some(o), Kind::Files) = (f.optional, kind) {
        cx.error(
            o,
            format!("`optional` is for one file; `files(...)` is already empty when no name is given; remove it from {owner}"),
        );
    }
}

/// Names that would mean two things: a preopen named like a stream (its
/// `rights(stdin = [...])` would limit descriptor 0, not the preopen), a
/// preopen named like a service (one parameter, two declarations), a
/// rights set named like a declaration's marker type.
fn check_names(cx: &mut Ctxt, attr: &Attr) {
    for p in &attr.preopens {
        let name = p.name.to_string();
        if matches!(name.as_str(), "stdin" | "stdout" | "stderr" | "stdio") {
            cx.error(
                p.name.span(),
                format!("`{name}` names the standard streams in `rights(...)`, so `{name} = [...]` would not limit this preopen; rename preopen `{name}`"),
            );
        }
        if let Some(s) = attr.services.iter().find(|s| s.name.name() == name) {
            cx.error(
                p.name.span(),
                format!("preopen `{name}` has the name of service `{}`: a parameter matches one declaration; rename the preopen", s.name),
            );
        }
    }
    let markers = attr
        .preopens
        .iter()
        .map(|p| (p.name.to_string(), "preopen"))
        .chain(
            attr.services
                .iter()
                .filter(|s| matches!(s.limits, ServiceLimits::FileArgs { .. }))
                .map(|s| (s.name.name().to_owned(), "service")),
        );
    for (name, what) in markers {
        let marker = format!("rights_of_{}", name.trim_start_matches("r#"));
        if let Some(set) = attr.limit_sets.iter().find(|s| s.name == marker) {
            cx.error(
                set.name.span(),
                format!("`{marker}` is the marker type of {what} `{name}`; rename the rights set"),
            );
        }
    }
}

/// `on_setup_error`'s function returns the exit status: `exit_code` would
/// never be used.
fn check_setup_error(cx: &mut Ctxt, attr: &Attr) {
    if let (Some(_), Some((_, span))) = (&attr.on_setup_error, attr.exit_code) {
        cx.error(
            span,
            "`exit_code` is unused with `on_setup_error`: the function's return value is the exit status; remove `exit_code`",
        );
    }
}

fn check_source(cx: &mut Ctxt, kind: Kind, source: &Source) {
    match (source, kind) {
        (Source::Args(n, span), k) if k.is_socket() => cx.error(
            *span,
            format!("`args({n}..)` names many addresses; a `{}` takes one: `arg({n})`", k.name()),
        ),
        (Source::Args(n, span), Kind::File | Kind::Dir) => cx.error(
            *span,
            format!("`args({n}..)` names many paths; use `files(args({n}..))` for a `Vec<File>`, or `arg({n})` for one"),
        ),
        _ => {}
    }
}

fn check_rights_targets(cx: &mut Ctxt, attr: &Attr) {
    for entry in &attr.rights {
        match &entry.target {
            Target::Preopen(name) => {
                let declared = attr.preopens.iter().any(|p| p.name == *name)
                    || attr.partial.iter().any(|p| p == name);
                if !declared {
                    let names: Vec<String> = attr
                        .preopens
                        .iter()
                        .map(|p| p.name.to_string())
                        .chain(attr.partial.iter().map(ToString::to_string))
                        .chain(["stdin", "stdout", "stderr"].map(String::from))
                        .collect();
                    let word = name.to_string();
                    let near = symbol::closest(&word, names.iter().map(String::as_str));
                    let message = match near {
                        Some(near) => format!("rights for `{word}`, which is not declared; did you mean `{near}`?"),
                        None => format!("rights for `{word}`, which is not declared; add it to `preopen(...)`, or use `stdin`, `stdout`, `stderr`"),
                    };
                    cx.error(name.span(), message);
                }
            }
            Target::Stdio(..) => {}
        }
    }
}

/// `stdio` sets all three streams; a stream's own list would contradict it.
fn check_stdio(cx: &mut Ctxt, attr: &Attr) {
    if attr.stdio.is_none() {
        return;
    }
    for entry in &attr.rights {
        if let Target::Stdio(s, span) = &entry.target {
            cx.error(
                *span,
                format!("`stdio` already limits `{s}`; remove `stdio` and give all three streams, or remove `{s} = [...]`"),
            );
        }
    }
}

/// The rights the open flags make unusable, one error per right.
fn check_rights_fit(cx: &mut Ctxt, attr: &Attr) {
    for entry in &attr.rights {
        let Target::Preopen(name) = &entry.target else {
            continue;
        };
        let Some(p) = attr.preopens.iter().find(|p| p.name == *name) else {
            continue;
        };
        check_list_fits(
            cx,
            &format!("preopen `{name}`"),
            p.kind,
            &p.flags,
            &entry.list,
        );
    }
}

/// Whether `right` holds any bit of `rights`.
fn touches(right: Right, rights: RightSet) -> bool {
    !right.set().intersection(rights).is_empty()
}

pub fn check_list_fits(cx: &mut Ctxt, what: &str, kind: Kind, flags: &Flags, list: &RightsList) {
    let lookup = Right::Lookup.set();
    match kind {
        Kind::TcpListener | Kind::UnixListener | Kind::TcpStream | Kind::UnixStream => {
            for (r, span) in &list.rights {
                if !SOCKET_RIGHTS.contains(r.set()) {
                    cx.error(
                        *span,
                        format!(
                            "`{r}` does not apply to a socket, and {what} is one; remove `{r}`"
                        ),
                    );
                }
            }
            if kind.is_listener() && !list.set().allows(Right::Accept) {
                cx.error(
                    list.span,
                    format!("{what} listens, but without `accept` no connection can be taken; add `accept` to its rights"),
                );
            }
        }
        Kind::Dir => {
            if list.set().intersection(lookup).is_empty() {
                cx.error(
                    list.span,
                    format!("{what} is a directory without `lookup`: nothing can be opened beneath it; add `lookup` to its rights"),
                );
            }
        }
        Kind::File | Kind::Files => {
            let write_only = RightSet::of(&[Right::Write, Right::Ftruncate]);
            // `create` is openat(2)'s `O_CREAT` beneath a directory and
            // `fchdir` fchdir(2) (`ENOTDIR` on a file): rights(4). Rights
            // that grant nothing on a file otherwise stay allowed, as
            // cap_rights_limit(2) allows them (capsicum-test holds
            // `CAP_ACCEPT` on a file to show it grants nothing).
            let dir_only = RightSet::of(&[Right::Lookup, Right::Create, Right::Fchdir]);
            for (r, span) in &list.rights {
                if *r == Right::Create {
                    cx.error(*span, format!("`create` is the right to create files beneath a directory (openat(2) `O_CREAT`), and {what} is a file; to create the file itself, add the `create` flag to {what}"));
                } else if touches(*r, dir_only) {
                    cx.error(
                        *span,
                        format!("`{r}` needs a directory, and {what} is a file; remove `{r}`, or declare it with `dir(...)`"),
                    );
                } else if !flags.writes() && touches(*r, write_only) {
                    cx.error(*span, needs(*r, "writing", "write", what));
                } else if !flags.reads() && touches(*r, Right::Read.set()) {
                    cx.error(*span, needs(*r, "reading", "read", what));
                }
            }
        }
    }
}

fn needs(r: Right, mode: &str, flag: &str, what: &str) -> String {
    format!("`{r}` needs the file opened for {mode}; add `{flag}` to {what}")
}

fn check_services(cx: &mut Ctxt, attr: &Attr) {
    for s in &attr.services {
        match &s.limits {
            ServiceLimits::Net {
                modes,
                hosts,
                families,
                bind,
                connect,
            } => {
                // cap_net.c: `hosts` and `families` limit getaddrinfo
                // (`CAPNET_NAME2ADDR`; `families` getnameinfo too), and
                // `CAPNET_CONNECTDNS` connects to what getaddrinfo returned.
                let lookup = |m| modes.contains(&m);
                if !modes.is_empty() && !lookup(NetMode::NameToAddr) {
                    if !hosts.is_empty() {
                        cx.error(s.span, "`hosts = [...]` limits name lookups, which `modes` without `name2addr` denies; add `name2addr` to `modes`, or remove `hosts`");
                    }
                    if lookup(NetMode::ConnectDns) {
                        cx.error(s.span, "`connectdns` connects only to addresses a name lookup returned, and `modes` without `name2addr` allows no lookup; add `name2addr` to `modes`");
                    }
                    if !families.is_empty() && !lookup(NetMode::AddrToName) {
                        cx.error(s.span, "`families = [...]` limits name and address lookups, which `modes` without `name2addr` or `addr2name` denies; add one to `modes`, or remove `families`");
                    }
                }
                if !modes.is_empty() && !bind.is_empty() && !modes.contains(&NetMode::Bind) {
                    cx.error(
                        s.span,
                        "`bind = [...]` contradicts `modes` without `bind`; add `bind` to `modes`",
                    );
                }
                if !modes.is_empty() && !connect.is_empty() && !modes.contains(&NetMode::Connect) {
                    cx.error(s.span, "`connect = [...]` contradicts `modes` without `connect`; add `connect` to `modes`");
                }
            }
            ServiceLimits::FileArgs {
                flags,
                rights: Some(list),
                ..
            } => check_list_fits(cx, "`fileargs`", Kind::Files, flags, list),
            _ => {}
        }
        if let ServiceLimits::FileArgs {
            flags,
            rights,
            operations,
            ..
        } = &s.limits
        {
            check_flags(cx, "`fileargs`", Kind::Files, flags);
            if !operations.contains(&FileOp::Open) {
                check_without_open(cx, flags, rights.as_ref());
            }
        }
    }
}

/// fileargs_init(3)'s flags, mode and rights apply to the files
/// `fileargs_open` opens: without `open` in `operations` they mean nothing.
fn check_without_open(cx: &mut Ctxt, flags: &Flags, rights: Option<&RightsList>) {
    let given = [
        ("read", flags.read),
        ("write", flags.write),
        ("append", flags.append),
        ("create", flags.create),
        ("truncate", flags.truncate),
        ("exclusive", flags.exclusive),
        ("mode", flags.mode.map(|(_, s)| s)),
        ("rights", rights.map(|r| r.span)),
    ];
    for (word, span) in given {
        if let Some(span) = span {
            cx.error(
                span,
                format!("`{word}` applies to the files `fileargs` opens, and its `operations` lack `open`; add `open` to `operations`, or remove `{word}`"),
            );
        }
    }
}

/// What a parameter's type must look like for a declaration.
fn expected_type(p: &Preopen) -> &'static str {
    match (
        p.kind,
        p.flags.optional.is_some(),
        p.flags.fallible.is_some(),
    ) {
        (Kind::File, _, true) => "Operand",
        (Kind::Files, _, true) => "Vec<Operand>",
        (Kind::File, false, false) => "File",
        (Kind::File, true, false) => "Option<File>",
        (Kind::Dir, ..) => "Dir",
        (Kind::Files, ..) => "Vec<File>",
        (k, ..) => k.rust_name(),
    }
}

/// The type as a shape: `Option<File>` for `Option<sandboxed::File<X>>`.
pub fn shape(ty: &syn::Type) -> String {
    match ty {
        syn::Type::Path(tp) if tp.qself.is_none() => {
            let Some(last) = tp.path.segments.last() else {
                return String::new();
            };
            let mut s = last.ident.to_string();
            if let syn::PathArguments::AngleBracketed(args) = &last.arguments {
                if s == "Option" || s == "Vec" {
                    if let Some(syn::GenericArgument::Type(inner)) = args.args.first() {
                        s = format!("{s}<{}>", shape(inner));
                    }
                }
            }
            s
        }
        syn::Type::Paren(p) => shape(&p.elem),
        syn::Type::Group(g) => shape(&g.elem),
        _ => String::new(),
    }
}

fn check_params(cx: &mut Ctxt, attr: &Attr, params: &[Param]) {
    let declared: Vec<String> = attr
        .preopens
        .iter()
        .map(|p| p.name.to_string())
        .chain(attr.services.iter().map(|s| s.name.name().to_owned()))
        .collect();
    let mut used = vec![false; declared.len()];
    for param in params {
        let name = param.name.to_string();
        if attr.partial.iter().any(|p| *p == name) {
            // Its declaration is already reported; its type is unknown.
            continue;
        }
        let Some(i) = declared.iter().position(|d| *d == name) else {
            if attr.names_unknown {
                continue;
            }
            let unused: Vec<&str> = declared
                .iter()
                .zip(&used)
                .filter(|(_, u)| !**u)
                .map(|(d, _)| d.as_str())
                .collect();
            let message = match symbol::closest(&name, unused.iter().copied()) {
                Some(near) => format!("parameter `{name}` matches no declaration; did you mean `{near}`?"),
                None => format!("parameter `{name}` matches no declaration; declare it in `preopen(...)` or `services(...)`, or remove it"),
            };
            cx.error(param.name.span(), message);
            continue;
        };
        // A name declared twice is reported by `check_names`.
        for (u, d) in used.iter_mut().zip(&declared) {
            *u |= *d == name;
        }
        let got = shape(&param.ty);
        if let Some(p) = attr.preopens.get(i) {
            let want = expected_type(p);
            // A `{ expr }` of `file` or `dir` may be an `Option`: whether
            // it is one is the expression's type, which the compiler
            // checks against the parameter.
            let option_expr = matches!(p.source, Source::Expr(_))
                && matches!(p.kind, Kind::File | Kind::Dir)
                && p.flags.fallible.is_none()
                && got == format!("Option<{want}>");
            if got != want && !option_expr {
                let why = match (p.kind, p.flags.optional.is_some()) {
                    _ if p.flags.fallible.is_some() => " (it is `fallible`)",
                    (Kind::File, true) => " (it is `optional`)",
                    (Kind::File, false) if got == "Option<File>" => {
                        " (add `optional` to the preopen for `Option<File>`)"
                    }
                    _ => "",
                };
                cx.error(
                    param.ty.span(),
                    format!(
                        "preopen `{name}` is `{}(...)`{why}; its parameter must be `{want}`",
                        p.kind.name()
                    ),
                );
            }
        } else {
            let s = &attr.services[i - attr.preopens.len()];
            let want = s.name.rust_name();
            if got != want {
                cx.error(
                    param.ty.span(),
                    format!("service `{name}` is a `sandboxed::services::{want}`; write `{name}: {want}`"),
                );
            }
        }
    }
    for (i, d) in declared.iter().enumerate() {
        if used[i] || attr.params_unknown {
            continue;
        }
        let (span, ty): (Span, String) = match attr.preopens.get(i) {
            Some(p) => (p.name.span(), expected_type(p).to_owned()),
            None => {
                let s = &attr.services[i - attr.preopens.len()];
                (s.span, s.name.rust_name().to_owned())
            }
        };
        cx.error(
            span,
            format!("`{d}` is declared but the function has no parameter `{d}`; add `{d}: {ty}` to its parameters, or remove the declaration"),
        );
    }
}
