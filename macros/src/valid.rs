//! Checks across the model, one small function each, all reporting to the
//! [`Ctxt`]. Parsing has already rejected unknown words and duplicates;
//! these rules need more than one declaration (or the function) to decide.

use proc_macro2::Span;
use syn::spanned::Spanned;

use sandboxed_vocab::{NetMode, Right, RightSet, Word, SOCKET_RIGHTS};

use crate::ast::{Attr, Flags, Kind, Param, Preopen, RightsList, ServiceLimits, Source, Target};
use crate::ctxt::Ctxt;
use crate::symbol;

pub fn check(cx: &mut Ctxt, attr: &Attr, func: &syn::ItemFn, params: &[Param]) {
    check_function(cx, func);
    for p in &attr.preopens {
        check_flags(cx, &format!("preopen `{}`", p.name), p.kind, &p.flags);
        check_source(cx, p.kind, &p.source);
    }
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
            for (r, span) in &list.rights {
                if touches(*r, lookup) {
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
                bind,
                connect,
                ..
            } => {
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
        if let ServiceLimits::FileArgs { flags, .. } = &s.limits {
            check_flags(cx, "`fileargs`", Kind::Files, flags);
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
        used[i] = true;
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
