//! The `#[sandboxed]` attribute. Documented on its re-export,
//! `sandboxed::sandboxed`.
//!
//! parse (`attr.rs`) → validate (`valid.rs`) → expand (`expand.rs`); on
//! any error, `fallback.rs` emits every error at once with the function.

use proc_macro::TokenStream;

mod ast;
mod attr;
mod ctxt;
mod expand;
mod fallback;
mod symbol;
mod valid;

/// See `sandboxed::sandboxed`.
#[proc_macro_attribute]
pub fn sandboxed(args: TokenStream, input: TokenStream) -> TokenStream {
    entry(args.into(), input.into()).into()
}

/// The marker traits of `sandboxed::rights::can`, one per right of the
/// vocabulary, each naming its right when it is missing. Called once, by
/// the runtime; not a public API.
#[doc(hidden)]
#[proc_macro]
pub fn __can_traits(_: TokenStream) -> TokenStream {
    expand::can_traits().into()
}

fn entry(
    args: proc_macro2::TokenStream,
    input: proc_macro2::TokenStream,
) -> proc_macro2::TokenStream {
    let func: syn::ItemFn = match syn::parse2(input.clone()) {
        Ok(f) => f,
        Err(e) => {
            let e = syn::Error::new(
                e.span(),
                "`#[sandboxed]` goes on a free `fn` (usually `main`)",
            )
            .to_compile_error();
            return quote::quote!(#e #input);
        }
    };
    let mut cx = ctxt::Ctxt::default();
    let mut attr = match syn::parse2::<attr::Nodes>(args) {
        Ok(nodes) => attr::read_attr(&mut cx, nodes.0),
        Err(e) => {
            // A syntax error leaves nothing to check the function against.
            cx.syn_error(e);
            return fallback::fallback(cx.into_compile_errors(), &func);
        }
    };
    let params = attr::read_params(&mut cx, &mut attr, &func.sig);
    valid::check(&mut cx, &attr, &func, &params);
    if cx.is_empty() {
        expand::expand(&attr, &func, &params)
    } else {
        fallback::fallback(cx.into_compile_errors(), &func)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The messages `#[sandboxed(ATTR)] FUNC` reports.
    fn errors(args: &str, func: &str) -> Vec<String> {
        let func: syn::ItemFn = syn::parse_str(func).unwrap();
        let mut cx = ctxt::Ctxt::default();
        let mut attr = attr::read_attr(&mut cx, syn::parse_str::<attr::Nodes>(args).unwrap().0);
        let params = attr::read_params(&mut cx, &mut attr, &func.sig);
        valid::check(&mut cx, &attr, &func, &params);
        cx.messages()
    }

    #[test]
    fn the_core_grammar_is_accepted() {
        let none: Vec<String> = Vec::new();
        assert_eq!(
            errors(
                r#"preopen(a = file(arg(1)), b = file("x", write, create, truncate, mode = 0o600),
                   c = dir(env("D"), create), d = files(args(2..)), e = file({ x }, optional)),
                   rights(a = [pread, fstat], c = [lookup, mkdirat, ioctls(fionread)], stdio),
                   services(dns(types = [name2addr]), syslog), on_unsupported = "warn", exit_code = 2"#,
                "fn main(a: File, b: File, c: Dir, d: Vec<File>, e: Option<File>, dns: Dns, syslog: Syslog) {}"
            ),
            none
        );
    }

    #[test]
    fn every_error_is_reported_at_once() {
        let e = errors(
            "preopen(a = fiel(arg(1)), b = file(arg(0))), rights(a = [raed]), servces(dns)",
            "fn main(a: File, b: File, dns: Dns) {}",
        );
        assert_eq!(
            e,
            [
                "unknown kind `fiel`; did you mean `file`?",
                "`arg(0)` is the program's own name, not a path; use `arg(1)` for the first argument",
                "unknown right `raed`; did you mean `read`?",
                "unknown key `servces`; did you mean `services`?",
            ]
        );
    }

    /// The errors that need every declaration (rights targets, parameter
    /// types, extra parameters) come in the same compile as unknown words:
    /// a misspelt kind, key or service is read on as its closest word.
    #[test]
    fn errors_of_every_kind_come_in_one_compile() {
        let e = errors(
            "preopen(a = fiel(arg(1)), b = file(arg(2)), c = fyle(arg(3))),
             rights(d = [read], b = [raed]), servces(dsn)",
            "fn main(a: File, b: Dir, c: File, extra: File, dns: Dns) {}",
        );
        assert_eq!(
            e,
            [
                "unknown kind `fiel`; did you mean `file`?",
                "unknown kind `fyle`; did you mean `file`?",
                "unknown right `raed`; did you mean `read`?",
                "unknown key `servces`; did you mean `services`?",
                "unknown service `dsn`; did you mean `dns`?",
                "rights for `d`, which is not declared; did you mean `a`?",
                "preopen `b` is `file(...)`; its parameter must be `File`",
                "parameter `extra` matches no declaration; declare it in `preopen(...)` or `services(...)`, or remove it",
            ]
        );
        // A kind with no close word leaves only the name: its parameter is
        // not checked, and nothing else is lost.
        let e = errors(
            "preopen(a = banana(arg(1))), rights(z = [read])",
            "fn main(a: Dir, extra: File) {}",
        );
        assert_eq!(
            e,
            [
                "unknown kind `banana`; expected one of `file`, `dir`, `files`, `tcp_listener`, `unix_listener`, `tcp_stream`, `unix_stream`",
                "rights for `z`, which is not declared; did you mean `a`?",
                "parameter `extra` matches no declaration; declare it in `preopen(...)` or `services(...)`, or remove it",
            ]
        );
    }

    #[test]
    fn rights_must_fit_the_open_flags() {
        let e = errors(
            "preopen(r = file(arg(1)), w = file(arg(2), write), d = dir(arg(3))),
             rights(r = [write], w = [read], d = [fstat])",
            "fn main(r: File, w: File, d: Dir) {}",
        );
        assert_eq!(
            e,
            [
                "`write` needs the file opened for writing; add `write` to preopen `r`",
                "`read` needs the file opened for reading; add `read` to preopen `w`",
                "preopen `d` is a directory without `lookup`: nothing can be opened beneath it; add `lookup` to its rights",
            ]
        );
    }

    #[test]
    fn parameters_match_declarations_by_name() {
        let e = errors(
            "preopen(input = file(arg(1)), out = dir(arg(2)))",
            "fn main(inptu: File, out: File) {}",
        );
        assert_eq!(
            e,
            [
                "parameter `inptu` matches no declaration; did you mean `input`?",
                "preopen `out` is `dir(...)`; its parameter must be `Dir`",
                "`input` is declared but the function has no parameter `input`; add `input: File` to its parameters, or remove the declaration",
            ]
        );
    }

    #[test]
    fn services_and_streams_are_checked() {
        let e = errors(
            r#"services(net(modes = [connect], bind = ["0.0.0.0:80"]), sysctl(read = ["a"], recursive = ["b"]),
                        pwd(cmds = [getpwnam], groups = [0])),
               rights(stdio, stdin = [read])"#,
            "fn main(net: Net, sysctl: Sysctl, pwd: Pwd) {}",
        );
        assert_eq!(
            e,
            [
                "`recursive` only widens an entry of `read` or `write`; add `\"b\"` to `read = [...]` or `write = [...]`",
                "unknown limit `groups` of `pwd`; expected one of `cmds`, `fields`, `users`",
                "`stdio` already limits `stdin`; remove `stdio` and give all three streams, or remove `stdin = [...]`",
                "`bind = [...]` contradicts `modes` without `bind`; add `bind` to `modes`",
            ]
        );
    }

    #[test]
    fn the_function_must_be_a_plain_fn() {
        let e = errors("", "const unsafe extern \"C\" fn main<T>() {}");
        assert_eq!(e.len(), 4, "{e:?}");
        let e = errors("", "async fn main() {}");
        assert_eq!(e.len(), 1);
        assert!(errors("", "#[tokio::main] async fn main() {}").is_empty());
    }

    #[test]
    fn the_expansion_implements_implied_rights() {
        let out = entry(
            "preopen(old = file(arg(1))), rights(old = [pread])"
                .parse()
                .unwrap(),
            "fn main(old: File) {}".parse().unwrap(),
        )
        .to_string();
        for can in [
            "can :: Read for rights_of_old",
            "can :: Seek for",
            "can :: Pread for",
        ] {
            assert!(out.contains(can), "{can} missing from {out}");
        }
        assert!(!out.contains("can :: Write for"));
        assert!(!out.contains("compile_error"));
    }

    /// `limits(...)` sets are `Within` exactly the markers that hold all
    /// they hold: a preopen's, the other sets'.
    #[test]
    fn limit_sets_are_within_the_markers_that_hold_them() {
        let out = entry(
            "preopen(f = file(arg(1), read, write)), rights(f = [read, write, fstat]),
             limits(ReadOnly = [read, fstat], Exec = [fexecve], Stat = ([fstat], max = 8))"
                .parse()
                .unwrap(),
            "fn main(f: File) {}".parse().unwrap(),
        )
        .to_string();
        for within in [
            "Within < rights_of_f > for ReadOnly",
            "Within < ReadOnly > for ReadOnly",
            "Within < rights_of_f > for Stat",
            "Within < ReadOnly > for Stat",
            "Within < Exec > for Exec",
        ] {
            assert!(out.contains(within), "{within} missing from {out}");
        }
        for not in [
            "Within < rights_of_f > for Exec",
            "Within < Stat > for ReadOnly",
        ] {
            assert!(!out.contains(not), "{not} in {out}");
        }
        assert!(out.contains("max : 8u32"), "{out}");
    }

    #[test]
    fn errors_keep_the_function() {
        let out = entry(
            "preopen(old = fiel(arg(1)))".parse().unwrap(),
            "fn main(old: File) { work(&old) }".parse().unwrap(),
        )
        .to_string();
        assert!(out.contains("compile_error"));
        assert!(out.contains("work (& old)"));
    }

    #[test]
    fn defaults_follow_the_open_flags() {
        use crate::ast::{Flags, Kind};
        use sandboxed_vocab::Right::{Fstat, Ftruncate, Lookup, Read, Seek, SeekTell, Write};
        let span = proc_macro2::Span::call_site();
        let read = Flags::default();
        assert_eq!(
            expand::default_rights(Kind::File, &read),
            [Read, SeekTell, Seek, Fstat]
        );
        let append = Flags {
            append: Some(span),
            ..Flags::default()
        };
        assert_eq!(expand::default_rights(Kind::File, &append), [Write, Fstat]);
        let trunc = Flags {
            write: Some(span),
            truncate: Some(span),
            ..Flags::default()
        };
        assert_eq!(
            expand::default_rights(Kind::File, &trunc),
            [Write, SeekTell, Seek, Ftruncate, Fstat]
        );
        assert_eq!(
            expand::default_rights(Kind::Dir, &read),
            [Read, Lookup, Fstat]
        );
    }
}
