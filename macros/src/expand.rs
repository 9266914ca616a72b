//! Model → tokens. Every runtime path is spelled here, and only through
//! `::sandboxed::__private` (plus `::core` / `::std`), so the expansion works
//! whatever the user has in scope.

use proc_macro2::{Span, TokenStream};
use quote::{format_ident, quote, quote_spanned};
use syn::spanned::Spanned;

use crate::ast::{
    Attr, Flags, Kind, Limits, Param, Preopen, Principal, RightsList, Source, Target,
};
use crate::symbol;
use crate::valid::is_tokio_main;

fn private() -> TokenStream {
    quote!(::sandboxed::__private)
}

/// The rights a preopen holds: those declared, or the defaults its open
/// flags need (`default_file_rights`, `DEFAULT_DIR_RIGHTS`).
pub fn preopen_rights<'a>(
    attr: &'a Attr,
    p: &Preopen,
) -> (Vec<&'static str>, Option<&'a RightsList>) {
    let declared = attr.rights.iter().find(|e| match &e.target {
        Target::Preopen(n) => *n == p.name,
        Target::Stdio(..) => false,
    });
    match declared {
        Some(e) => (list_names(&e.list), Some(&e.list)),
        None => (default_rights(p.kind, &p.flags), None),
    }
}

/// The names in a rights list, plus `ioctl` / `fcntl` when their commands
/// are narrowed (cap_ioctls_limit(2) needs `CAP_IOCTL` to be held).
fn list_names(list: &RightsList) -> Vec<&'static str> {
    let mut names: Vec<&'static str> = list.rights.iter().map(|(r, _)| r.name).collect();
    if list.ioctls.is_some() && !names.contains(&"ioctl") {
        names.push("ioctl");
    }
    if list.fcntls.is_some() && !names.contains(&"fcntl") {
        names.push("fcntl");
    }
    names
}

/// Mirrors `default_file_rights` and `DEFAULT_DIR_RIGHTS` (runtime/src/rights.rs),
/// plus `ftruncate` for `truncate` (rights(4): `O_TRUNC` needs `CAP_FTRUNCATE`).
pub fn default_rights(kind: Kind, f: &Flags) -> Vec<&'static str> {
    if kind == Kind::Dir {
        return vec!["lookup", "read", "fstat"];
    }
    let mut v = vec!["fstat"];
    if f.reads() {
        v.extend(["read", "seek"]);
    }
    if f.writes() {
        v.push("write");
        if f.append.is_none() && !v.contains(&"seek") {
            v.push("seek");
        }
    }
    if f.truncate.is_some() {
        v.push("ftruncate");
    }
    v
}

fn right_set(names: &[&str]) -> TokenStream {
    let p = private();
    let variants = names.iter().map(|n| {
        let v = format_ident!("{}", symbol::right(n).expect("validated right").variant);
        quote!(#p::Right::#v)
    });
    quote!(#p::RightSet::of(&[#(#variants),*]))
}

fn limits(rights: TokenStream, list: Option<&RightsList>) -> TokenStream {
    let p = private();
    let narrow = |group: Option<&(Vec<&'static str>, Span)>, ty: TokenStream| match group {
        Some((cmds, _)) => {
            let cmds = cmds.iter().map(|c| format_ident!("{}", c));
            quote!(::core::option::Option::Some(&[#(#p::#ty::#cmds),*]))
        }
        None => quote!(::core::option::Option::None),
    };
    let ioctls = narrow(list.and_then(|l| l.ioctls.as_ref()), quote!(Ioctl));
    let fcntls = narrow(list.and_then(|l| l.fcntls.as_ref()), quote!(Fcntl));
    quote!(#p::Limits { rights: #rights, ioctls: #ioctls, fcntls: #fcntls })
}

fn marker_name(name: &syn::Ident) -> syn::Ident {
    format_ident!("rights_of_{}", name.to_string().trim_start_matches("r#"))
}

/// The marker type of one preopen and its `can` impls.
fn marker(attr: &Attr, pre: &Preopen) -> TokenStream {
    let p = private();
    let m = marker_name(&pre.name);
    let (names, _) = preopen_rights(attr, pre);
    let set = right_set(&names);
    let name = pre.name.to_string();
    let cans = symbol::rights_within(symbol::atoms_of(&names)).map(|r| {
        let can = format_ident!("{}", r.can);
        quote!(impl #p::can::#can for #m {})
    });
    quote! {
        #[allow(non_camel_case_types, clippy::empty_enums)]
        #[doc(hidden)]
        enum #m {}
        impl #p::RightsMarker for #m {
            const RIGHTS: #p::RightSet = #set;
            const NAME: &'static str = #name;
        }
        #(#cans)*
    }
}

fn source(s: &Source) -> TokenStream {
    let p = private();
    match s {
        Source::Literal(l) => quote!(#p::Source::Literal(#l)),
        Source::Arg(n) => quote!(#p::Source::Arg(#n)),
        Source::Args(n, _) => quote!(#p::Source::Args(#n)),
        Source::Env(v) => quote!(#p::Source::Env(#v)),
        Source::Expr(block) => {
            let stmts = &block.stmts;
            let text = quote!(#(#stmts)*).to_string();
            // `{ expr }` accepts anything `AsRef<OsStr>`: a path, a string,
            // a field of a parsed command line.
            let value = quote_spanned! {block.span()=>
                ::std::ffi::OsString::from(::core::convert::AsRef::<::std::ffi::OsStr>::as_ref(&#block))
            };
            quote!(#p::Source::Expr { text: #text, value: #value })
        }
    }
}

fn open_flags(f: &Flags) -> TokenStream {
    let p = private();
    let read = f.reads();
    let write = f.write.is_some();
    let append = f.append.is_some();
    let create = f.create.is_some();
    let truncate = f.truncate.is_some();
    let exclusive = f.exclusive.is_some();
    let optional = f.optional.is_some();
    let mode = match f.mode {
        Some((m, _)) => quote!(#m),
        None => quote!(#p::OpenFlags::READ.mode),
    };
    quote! {
        #p::OpenFlags {
            read: #read, write: #write, append: #append, create: #create,
            truncate: #truncate, exclusive: #exclusive, mode: #mode, optional: #optional,
        }
    }
}

fn variants(ty: &str, items: &[&'static str]) -> TokenStream {
    let p = private();
    let ty = format_ident!("{}", ty);
    let items = items.iter().map(|i| format_ident!("{}", i));
    quote!(::std::vec![#(#p::#ty::#items),*])
}

fn socket_addr(a: &std::net::SocketAddr) -> TokenStream {
    let port = a.port();
    match a {
        std::net::SocketAddr::V4(v4) => {
            let [x, y, z, w] = v4.ip().octets();
            quote!(::std::net::SocketAddr::V4(::std::net::SocketAddrV4::new(::std::net::Ipv4Addr::new(#x, #y, #z, #w), #port)))
        }
        std::net::SocketAddr::V6(v6) => {
            let segs = v6.ip().segments();
            let flow = v6.flowinfo();
            let scope = v6.scope_id();
            quote!(::std::net::SocketAddr::V6(::std::net::SocketAddrV6::new(::std::net::Ipv6Addr::new(#(#segs),*), #port, #flow, #scope)))
        }
    }
}

fn opt_string(s: Option<&String>) -> TokenStream {
    match s {
        Some(s) => quote!(::core::option::Option::Some(::std::string::String::from(#s))),
        None => quote!(::core::option::Option::None),
    }
}

fn service(s: &crate::ast::Service) -> TokenStream {
    let p = private();
    match &s.limits {
        Limits::Dns { types, families } => {
            let types = variants("DnsType", types);
            let families = variants("Family", families);
            quote!(#p::ServiceDecl::Dns(#p::DnsLimits { types: #types, families: #families }))
        }
        Limits::Net {
            modes,
            hosts,
            families,
            bind,
            connect,
        } => {
            let modes = variants("NetMode", modes);
            let families = variants("Family", families);
            let hosts = hosts.iter().map(|(h, s)| {
                let h = opt_string(h.as_ref());
                let s = opt_string(s.as_ref());
                quote!((#h, #s))
            });
            let bind = bind.iter().map(socket_addr);
            let connect = connect.iter().map(socket_addr);
            quote!(#p::ServiceDecl::Net(#p::NetLimits {
                modes: #modes,
                hosts: ::std::vec![#(#hosts),*],
                families: #families,
                bind: ::std::vec![#(#bind),*],
                connect: ::std::vec![#(#connect),*],
            }))
        }
        Limits::Db {
            cmds,
            fields,
            principals,
        } => {
            let variant = format_ident!("{}", if s.name == "pwd" { "Pwd" } else { "Grp" });
            let principals = principals.iter().map(|pr| match pr {
                Principal::Name(n) => quote!(#p::Principal::Name(::std::string::String::from(#n))),
                Principal::Id(i) => quote!(#p::Principal::Id(#i)),
            });
            quote!(#p::ServiceDecl::#variant(#p::DbLimits {
                cmds: ::std::vec![#(#cmds),*],
                fields: ::std::vec![#(#fields),*],
                principals: ::std::vec![#(#principals),*],
            }))
        }
        Limits::Sysctl { entries } => {
            let entries = entries.iter().map(|(n, r, w, rec)| {
                quote!((#n, #p::SysctlAccess { read: #r, write: #w, recursive: #rec }))
            });
            quote!(#p::ServiceDecl::Sysctl(#p::SysctlLimits { entries: ::std::vec![#(#entries),*] }))
        }
        Limits::Syslog => quote!(#p::ServiceDecl::Syslog),
        Limits::FileArgs {
            source: src,
            flags,
            rights,
            operations,
        } => {
            let src = src.as_ref().map(source).unwrap_or_default();
            let names = match rights {
                Some(list) => list_names(list),
                None => default_rights(Kind::Files, flags),
            };
            let limits = limits(right_set(&names), rights.as_ref());
            let flags = open_flags(flags);
            let ops = variants("FileOp", operations);
            quote!(#p::ServiceDecl::FileArgs(#p::FileArgsLimits {
                source: #src, flags: #flags, limits: #limits, operations: #ops,
            }))
        }
    }
}

fn stdio(attr: &Attr) -> Vec<TokenStream> {
    let p = private();
    let stream = |s: &str| {
        format_ident!(
            "{}",
            if s == "stdin" {
                "Stdin"
            } else if s == "stdout" {
                "Stdout"
            } else {
                "Stderr"
            }
        )
    };
    if attr.stdio.is_some() {
        return vec![
            quote!((#p::Stdio::Stdin, #p::Limits::STDIN)),
            quote!((#p::Stdio::Stdout, #p::Limits::STDOUT)),
            quote!((#p::Stdio::Stderr, #p::Limits::STDOUT)),
        ];
    }
    attr.rights
        .iter()
        .filter_map(|e| match &e.target {
            Target::Stdio(s, _) => {
                let v = stream(s);
                let l = limits(right_set(&list_names(&e.list)), Some(&e.list));
                Some(quote!((#p::Stdio::#v, #l)))
            }
            Target::Preopen(_) => None,
        })
        .collect()
}

/// The user's `File` / `Dir` path with the marker as its rights:
/// `sandboxed::File` becomes `sandboxed::File<rights_of_old>`, so the
/// user's import stays used and errors point at the user's type.
fn with_marker(ty: &syn::Type, m: &syn::Ident) -> TokenStream {
    match ty {
        syn::Type::Path(tp) => {
            let mut tp = tp.clone();
            if let Some(last) = tp.path.segments.last_mut() {
                last.arguments = syn::PathArguments::AngleBracketed(syn::parse_quote!(<#m>));
            }
            quote!(#tp)
        }
        syn::Type::Paren(p) => with_marker(&p.elem, m),
        syn::Type::Group(g) => with_marker(&g.elem, m),
        other => quote!(#other),
    }
}

/// The `T` of `Option<T>` / `Vec<T>`.
fn inner_type(ty: &syn::Type) -> &syn::Type {
    match ty {
        syn::Type::Path(tp) => match tp.path.segments.last().map(|s| &s.arguments) {
            Some(syn::PathArguments::AngleBracketed(args)) => match args.args.first() {
                Some(syn::GenericArgument::Type(t)) => t,
                _ => ty,
            },
            _ => ty,
        },
        syn::Type::Paren(p) => inner_type(&p.elem),
        syn::Type::Group(g) => inner_type(&g.elem),
        _ => ty,
    }
}

/// The parameter's precise type, and the expression taking its handle.
fn handle(attr: &Attr, param: &Param) -> (TokenStream, TokenStream) {
    let p = private();
    let h = quote!(__sandboxed_handles);
    if let Some((i, pre)) = attr
        .preopens
        .iter()
        .enumerate()
        .find(|(_, q)| q.name == param.name)
    {
        let m = marker_name(&pre.name);
        let ty = &param.ty;
        return match (pre.kind, pre.flags.optional.is_some()) {
            (Kind::File, false) => (with_marker(ty, &m), quote!(#h.file::<#m>(#i))),
            (Kind::File, true) => {
                let file = with_marker(inner_type(ty), &m);
                (
                    quote!(::core::option::Option<#file>),
                    quote!(#h.optional_file::<#m>(#i)),
                )
            }
            (Kind::Files, _) => {
                let file = with_marker(inner_type(ty), &m);
                (quote!(::std::vec::Vec<#file>), quote!(#h.files::<#m>(#i)))
            }
            (Kind::Dir, _) => (with_marker(ty, &m), quote!(#h.dir::<#m>(#i))),
        };
    }
    let (i, _) = attr
        .services
        .iter()
        .enumerate()
        .find(|(_, s)| param.name == s.name)
        .expect("validated parameter");
    let ty = &param.ty;
    (quote!(#ty), quote!(#p::service::<#ty>(&mut #h, #i)))
}

pub fn expand(attr: &Attr, func: &syn::ItemFn, params: &[Param]) -> TokenStream {
    let p = private();
    let syn::ItemFn {
        attrs,
        vis,
        sig,
        block,
        ..
    } = func;
    let (runtime_attrs, outer_attrs): (Vec<_>, Vec<_>) =
        attrs.iter().partition(|a| is_tokio_main(a));
    let ident = &sig.ident;
    let output = &sig.output;
    let asyncness = &sig.asyncness;

    let markers = attr.preopens.iter().map(|pre| marker(attr, pre));
    let preopens = attr.preopens.iter().map(|pre| {
        let name = pre.name.to_string();
        let kind = format_ident!(
            "{}",
            match pre.kind {
                Kind::File => "File",
                Kind::Dir => "Dir",
                Kind::Files => "Files",
            }
        );
        let m = marker_name(&pre.name);
        let src = source(&pre.source);
        let flags = open_flags(&pre.flags);
        let (_, list) = preopen_rights(attr, pre);
        let limits = limits(quote!(<#m as #p::RightsMarker>::RIGHTS), list);
        quote!(#p::Preopen { name: #name, kind: #p::Kind::#kind, source: #src, flags: #flags, limits: #limits })
    });
    let stdio = stdio(attr);
    let services = attr.services.iter().map(service);
    let on_unsupported = match attr.warn {
        Some((true, _)) => quote!(#p::OnUnsupported::Warn),
        _ => quote!(#p::OnUnsupported::Deny),
    };
    let exit_code = match attr.exit_code {
        Some((n, _)) => quote!(::core::option::Option::Some(#n)),
        None => quote!(::core::option::Option::None),
    };

    let (body_params, args): (Vec<_>, Vec<_>) = params
        .iter()
        .map(|param| {
            let (ty, arg) = handle(attr, param);
            let Param {
                name,
                mutability,
                attrs,
                ..
            } = param;
            (quote!(#(#attrs)* #mutability #name: #ty), arg)
        })
        .unzip();
    let handles = if args.is_empty() {
        quote!(#p::enter(__sandboxed_plan);)
    } else {
        quote!(let mut __sandboxed_handles = #p::enter(__sandboxed_plan);)
    };

    quote! {
        #(#outer_attrs)*
        #vis fn #ident() #output {
            #(#markers)*
            #[allow(clippy::needless_pass_by_value, clippy::too_many_arguments)]
            #(#runtime_attrs)*
            #asyncness fn __sandboxed_body(#(#body_params),*) #output #block
            let __sandboxed_plan = #p::Plan {
                preopens: ::std::vec![#(#preopens),*],
                stdio: ::std::vec![#(#stdio),*],
                services: ::std::vec![#(#services),*],
                on_unsupported: #on_unsupported,
                exit_code: #exit_code,
            };
            #handles
            __sandboxed_body(#(#args),*)
        }
    }
}
