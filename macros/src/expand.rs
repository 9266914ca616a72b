//! Model → tokens. Every runtime path is spelled here, and only through
//! `::sandboxed::__private` (plus `::core` / `::std`), so the expansion works
//! whatever the user has in scope.

use proc_macro2::{Span, TokenStream};
use quote::{format_ident, quote, quote_spanned};
use syn::spanned::Spanned;

use sandboxed_vocab::{
    default_file_rights, Fcntl, Right, RightSet, Word, DEFAULT_DIR_RIGHTS, DEFAULT_LISTENER_RIGHTS,
    DEFAULT_SOCKET_FCNTLS, DEFAULT_STREAM_RIGHTS,
};

use crate::ast::{
    Attr, Db, Flags, Kind, Param, Preopen, Principal, RightsList, Service, ServiceLimits, Source,
    Target,
};
use crate::valid::{self, is_tokio_main};

fn private() -> TokenStream {
    quote!(::sandboxed::__private)
}

/// The rights a preopen holds: those declared, or the defaults its open
/// flags need (`default_file_rights`, `DEFAULT_DIR_RIGHTS`).
pub fn preopen_rights<'a>(attr: &'a Attr, p: &Preopen) -> (Vec<Right>, Option<&'a RightsList>) {
    let declared = attr.rights.iter().find(|e| match &e.target {
        Target::Preopen(n) => *n == p.name,
        Target::Stdio(..) => false,
    });
    match declared {
        Some(e) => (e.list.names(), Some(&e.list)),
        None => (default_rights(p.kind, &p.flags), None),
    }
}

/// The rights a declaration without `rights(...)` gets, as the vocabulary's
/// defaults give them.
pub fn default_rights(kind: Kind, f: &Flags) -> Vec<Right> {
    let set = match kind {
        Kind::Dir => DEFAULT_DIR_RIGHTS,
        Kind::File | Kind::Files => default_file_rights(&f.open_flags()),
        k if k.is_listener() => DEFAULT_LISTENER_RIGHTS,
        _ => DEFAULT_STREAM_RIGHTS,
    };
    set.atoms().collect()
}

fn right_set(rights: &[Right]) -> TokenStream {
    let p = private();
    let variants = rights.iter().map(|r| format_ident!("{}", r.rust_name()));
    quote!(#p::RightSet::of(&[#(#p::Right::#variants),*]))
}

fn limits(rights: TokenStream, list: Option<&RightsList>) -> TokenStream {
    limits_with(rights, list, None)
}

/// [`limits`], with `fcntls` narrowing `fcntl` when the list does not.
fn limits_with(
    rights: TokenStream,
    list: Option<&RightsList>,
    fcntls: Option<&[Fcntl]>,
) -> TokenStream {
    let p = private();
    fn narrow<W: Word>(group: Option<&(Vec<W>, Span)>, ty: &str) -> TokenStream {
        match group {
            Some((cmds, _)) => {
                let cmds = words(ty, cmds);
                quote!(::core::option::Option::Some(&[#(#cmds),*]))
            }
            None => quote!(::core::option::Option::None),
        }
    }
    let ioctls = narrow(list.and_then(|l| l.ioctls.as_ref()), "Ioctl");
    let default = fcntls.map(|f| (f.to_vec(), Span::call_site()));
    let fcntls = narrow(
        list.and_then(|l| l.fcntls.as_ref()).or(default.as_ref()),
        "Fcntl",
    );
    quote!(#p::Limits { rights: #rights, ioctls: #ioctls, fcntls: #fcntls })
}

fn marker_name(name: &syn::Ident) -> syn::Ident {
    // The declaration's span: "doesn't satisfy `rights_of_new: can::Read`"
    // then points at `new = file(...)` in the attribute.
    format_ident!(
        "rights_of_{}",
        name.to_string().trim_start_matches("r#"),
        span = name.span()
    )
}

/// The marker type of one preopen and its `can` impls.
fn marker(attr: &Attr, pre: &Preopen) -> TokenStream {
    let (names, _) = preopen_rights(attr, pre);
    marker_for(&marker_name(&pre.name), &pre.name.to_string(), &names)
}

/// The rights `fileargs(...)` gives each file it opens: declared, or the
/// defaults its open flags need.
fn fileargs_rights(flags: &Flags, rights: Option<&RightsList>) -> Vec<Right> {
    match rights {
        Some(list) => list.names(),
        None => default_rights(Kind::Files, flags),
    }
}

/// The marker of the files a `fileargs` service opens, so that
/// `FileArgs<rights_of_fileargs>::open` gives files typed by those rights.
fn service_marker(service: &Service) -> Option<(syn::Ident, TokenStream)> {
    match &service.limits {
        ServiceLimits::FileArgs { flags, rights, .. } => {
            let m = format_ident!("rights_of_{}", service.name.name(), span = service.span);
            let names = fileargs_rights(flags, rights.as_ref());
            let tokens = marker_for(&m, service.name.name(), &names);
            Some((m, tokens))
        }
        _ => None,
    }
}

/// A marker type named `m` holding `rights` (and those they
/// imply), with one `can` impl per right.
fn marker_for(m: &syn::Ident, name: &str, rights: &[Right]) -> TokenStream {
    let p = private();
    let set = right_set(rights);
    let cans = RightSet::of(rights).rights().map(|r| {
        let can = format_ident!("{}", r.rust_name());
        quote!(impl #p::can::#can for #m {})
    });
    let doc = format!("The rights of `{name}`, as declared in `#[sandboxed]`.");
    quote! {
        #[allow(non_camel_case_types, clippy::empty_enums, dead_code)]
        #[doc = #doc]
        pub(crate) enum #m {}
        impl #p::RightsMarker for #m {
            const RIGHTS: #p::RightSet = #set;
            const NAME: &'static str = #name;
        }
        #(#cans)*
    }
}

fn source(s: &Source, kind: Kind) -> TokenStream {
    let p = private();
    match s {
        Source::Expr(block) if kind == Kind::Files => {
            let stmts = &block.stmts;
            let text = quote!(#(#stmts)*).to_string();
            // `files({ expr })` takes any iterator of path-like values: a
            // clap `Vec<PathBuf>`, `&[String]`, an iterator adaptor.
            let values = quote_spanned! {block.span()=>
                {
                    #[allow(unused_braces)]
                    let __sandboxed_paths = #block;
                    ::core::iter::IntoIterator::into_iter(__sandboxed_paths)
                        .map(|__sandboxed_path| ::std::ffi::OsString::from(::core::convert::AsRef::<::std::ffi::OsStr>::as_ref(&__sandboxed_path)))
                        .collect::<::std::vec::Vec<::std::ffi::OsString>>()
                }
            };
            quote!(#p::Source::Exprs { text: #text, values: #values })
        }
        Source::Literal(l) => quote!(#p::Source::Literal(#l)),
        Source::Arg(n) => quote!(#p::Source::Arg(#n)),
        Source::Args(n, _) => quote!(#p::Source::Args(#n)),
        Source::Env(v) => quote!(#p::Source::Env(#v)),
        Source::Expr(block) if kind.is_socket() => {
            let stmts = &block.stmts;
            let text = quote!(#(#stmts)*).to_string();
            // A socket's `{ expr }` is an address (`SocketAddr`, a string)
            // or, for a Unix socket, a path.
            let value = quote_spanned! {block.span()=>
                #p::socket_source(&#block)
            };
            quote!(#p::Source::Expr { text: #text, value: #value })
        }
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

fn open_flags(f: &Flags, kind: Kind) -> TokenStream {
    let p = private();
    let sandboxed_vocab::OpenFlags {
        read,
        write,
        append,
        create,
        truncate,
        exclusive,
        mode,
        optional,
        dash,
        fallible,
        nonblocking,
        backlog,
    } = f.open_flags();
    // mkdir(2)'s customary 0o777 (less the umask) for a created
    // directory, open(2)'s 0o666 for a created file.
    let mode = if kind == Kind::Dir && f.mode.is_none() {
        0o777
    } else {
        mode
    };
    quote! {
        #p::OpenFlags {
            read: #read, write: #write, append: #append, create: #create,
            truncate: #truncate, exclusive: #exclusive, mode: #mode, optional: #optional,
            dash: #dash, fallible: #fallible, nonblocking: #nonblocking, backlog: #backlog,
        }
    }
}

/// Each word as the runtime's value: `::sandboxed::__private::NetMode::Bind`.
fn words<W: Word>(ty: &str, items: &[W]) -> Vec<TokenStream> {
    let p = private();
    let ty = format_ident!("{}", ty);
    items
        .iter()
        .map(|i| {
            let v = format_ident!("{}", i.rust_name());
            quote!(#p::#ty::#v)
        })
        .collect()
}

/// `vec![...]` of the words.
fn variants<W: Word>(ty: &str, items: &[W]) -> TokenStream {
    let items = words(ty, items);
    quote!(::std::vec![#(#items),*])
}

/// `pwd(...)` or `grp(...)`: `ServiceDecl::Pwd(PwdLimits { ... })`.
fn db<Cmd: Word, Field: Word>(service: &str, db: &Db<Cmd, Field>) -> TokenStream {
    let p = private();
    let variant = format_ident!("{}", service);
    let limits = format_ident!("{}Limits", service);
    let cmds = variants(&format!("{service}Cmd"), &db.cmds);
    let fields = variants(&format!("{service}Field"), &db.fields);
    let principals = db.principals.iter().map(|pr| match pr {
        Principal::Name(n) => quote!(#p::Principal::Name(::std::string::String::from(#n))),
        Principal::Id(i) => quote!(#p::Principal::Id(#i)),
    });
    quote!(#p::ServiceDecl::#variant(#p::#limits {
        cmds: #cmds,
        fields: #fields,
        principals: ::std::vec![#(#principals),*],
    }))
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
        ServiceLimits::Dns { types, families } => {
            let types = variants("DnsType", types);
            let families = variants("Family", families);
            quote!(#p::ServiceDecl::Dns(#p::DnsLimits { types: #types, families: #families }))
        }
        ServiceLimits::Net {
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
        ServiceLimits::Pwd(d) => db("Pwd", d),
        ServiceLimits::Grp(d) => db("Grp", d),
        ServiceLimits::Sysctl { entries } => {
            let entries = entries.iter().map(|(n, r, w, rec)| {
                quote!((#n, #p::SysctlAccess { read: #r, write: #w, recursive: #rec }))
            });
            quote!(#p::ServiceDecl::Sysctl(#p::SysctlLimits { entries: ::std::vec![#(#entries),*] }))
        }
        ServiceLimits::Syslog => quote!(#p::ServiceDecl::Syslog),
        ServiceLimits::FileArgs {
            source: src,
            flags,
            rights,
            operations,
        } => {
            let src = src
                .as_ref()
                .map(|s| source(s, Kind::File))
                .unwrap_or_default();
            let names = fileargs_rights(flags, rights.as_ref());
            let limits = limits(right_set(&names), rights.as_ref());
            let flags = open_flags(flags, Kind::Files);
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
                let l = limits(right_set(&e.list.names()), Some(&e.list));
                Some(quote!((#p::Stdio::#v, #l)))
            }
            Target::Preopen(_) => None,
        })
        .collect()
}

/// The user's `File` / `Dir` path with the marker as its rights:
/// `sandboxed::File` becomes `sandboxed::File<rights_of_old>`, so the
/// user's import stays used and errors point at the user's type.
fn with_marker(ty: &syn::Type, m: &TokenStream) -> TokenStream {
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

/// A rights set's rights and its `ioctl` / `fcntl` commands (`None`: all).
struct Held {
    rights: RightSet,
    ioctls: Option<Vec<sandboxed_vocab::Ioctl>>,
    fcntls: Option<Vec<Fcntl>>,
}

impl Held {
    fn of(rights: &[Right], list: Option<&RightsList>, fcntls: Option<&[Fcntl]>) -> Held {
        Held {
            rights: RightSet::of(rights),
            ioctls: list.and_then(|l| l.ioctls.as_ref()).map(|(c, _)| c.clone()),
            fcntls: list
                .and_then(|l| l.fcntls.as_ref())
                .map(|(c, _)| c.clone())
                .or(fcntls.map(<[Fcntl]>::to_vec)),
        }
    }

    /// Whether `self` holds nothing `outer` lacks: `cap_rights_limit(2)`
    /// can narrow `outer` to `self` (`cap_ioctls_limit` and
    /// `cap_fcntls_limit` likewise: a list is within no list).
    fn within(&self, outer: &Held) -> bool {
        fn list_within<T: PartialEq>(
            held: bool,
            inner: Option<&Vec<T>>,
            outer: Option<&Vec<T>>,
        ) -> bool {
            match (inner, outer) {
                // Without the right, its commands are all refused anyway.
                _ if !held => true,
                (_, None) => true,
                (None, Some(_)) => false,
                (Some(i), Some(o)) => i.iter().all(|x| o.contains(x)),
            }
        }
        let holds = |r: Right| self.rights.allows(r);
        outer.rights.contains(self.rights)
            && list_within(
                holds(Right::Ioctl),
                self.ioctls.as_ref(),
                outer.ioctls.as_ref(),
            )
            && list_within(
                holds(Right::Fcntl),
                self.fcntls.as_ref(),
                outer.fcntls.as_ref(),
            )
    }
}

/// The markers of `limits(...)`, each a `Limit`, and `Within` of every
/// marker of the attribute (preopens, `fileargs`, the other sets) that
/// holds all it holds: `handle.limit::<NAME>()` compiles only where the
/// rights shrink.
fn limit_markers(attr: &Attr) -> Vec<TokenStream> {
    let p = private();
    let mut outers: Vec<(syn::Ident, Held)> = attr
        .preopens
        .iter()
        .map(|pre| {
            let (names, list) = preopen_rights(attr, pre);
            let fcntls = (list.is_none() && pre.kind.is_socket()).then_some(DEFAULT_SOCKET_FCNTLS);
            (marker_name(&pre.name), Held::of(&names, list, fcntls))
        })
        .collect();
    for service in &attr.services {
        if let ServiceLimits::FileArgs { flags, rights, .. } = &service.limits {
            let names = fileargs_rights(flags, rights.as_ref());
            let m = format_ident!("rights_of_{}", service.name.name(), span = service.span);
            outers.push((m, Held::of(&names, rights.as_ref(), None)));
        }
    }
    for set in &attr.limit_sets {
        outers.push((
            set.name.clone(),
            Held::of(&set.list.names(), Some(&set.list), None),
        ));
    }
    attr.limit_sets
        .iter()
        .map(|set| {
            let name = &set.name;
            let names = set.list.names();
            let inner = Held::of(&names, Some(&set.list), None);
            let marker = marker_for(name, &name.to_string(), &names);
            let limits = limits(right_set(&names), Some(&set.list));
            let withins = outers
                .iter()
                .filter(|(_, outer)| inner.within(outer))
                .map(|(outer, _)| quote!(impl #p::Within<#outer> for #name {}));
            quote! {
                #marker
                impl #p::Limit for #name {
                    const LIMITS: #p::Limits = #limits;
                }
                #(#withins)*
            }
        })
        .collect()
}

/// The `{ expr }` of a `file(...)` or `dir(...)` that is not `fallible`:
/// its value may be a path or an `Option` of one (`Probe`).
fn probed(pre: &Preopen) -> Option<&syn::Block> {
    match (&pre.source, pre.kind) {
        (Source::Expr(block), Kind::File | Kind::Dir) if pre.flags.fallible.is_none() => {
            Some(block)
        }
        _ => None,
    }
}

/// `tokens` with every token (and group) at `span`.
fn respan(tokens: TokenStream, span: Span) -> TokenStream {
    tokens
        .into_iter()
        .map(|mut tree| {
            if let proc_macro2::TokenTree::Group(g) = &tree {
                let mut group = proc_macro2::Group::new(g.delimiter(), respan(g.stream(), span));
                group.set_span(span);
                tree = proc_macro2::TokenTree::Group(group);
            } else {
                tree.set_span(span);
            }
            tree
        })
        .collect()
}

/// The variable holding the shape of preopen `i`'s probed source.
fn shape_var(i: usize) -> syn::Ident {
    format_ident!("__sandboxed_shape_{}", i)
}

/// The variable holding the path of preopen `i`'s probed source.
fn value_var(i: usize) -> syn::Ident {
    format_ident!("__sandboxed_value_{}", i)
}

/// Evaluates each probed source, in declaration order, before the plan is
/// built: its path (or `None`) and its shape.
fn probes(attr: &Attr) -> Vec<TokenStream> {
    let p = private();
    attr.preopens
        .iter()
        .enumerate()
        .filter_map(|(i, pre)| {
            let block = probed(pre)?;
            let (value, shape) = (value_var(i), shape_var(i));
            Some(quote_spanned! {block.span()=>
                #[allow(unused_variables, unused_braces)]
                let (#value, #shape) = {
                    #[allow(unused_imports)]
                    use #p::{OptionalSource as _, PathSource as _};
                    (&#p::Probe(#block)).__sandboxed_source()
                };
            })
        })
        .collect()
}

/// The parameter's precise type, and the expression taking its handle.
fn handle(attr: &Attr, module: &syn::Ident, param: &Param) -> (TokenStream, TokenStream) {
    let p = private();
    let h = quote!(__sandboxed_handles);
    if let Some((i, pre)) = attr
        .preopens
        .iter()
        .enumerate()
        .find(|(_, q)| q.name == param.name)
    {
        let m = marker_name(&pre.name);
        let m = quote!(#module::#m);
        let ty = &param.ty;
        if pre.flags.fallible.is_some() {
            return match pre.kind {
                Kind::Files => {
                    let operand = with_marker(inner_type(ty), &m);
                    (
                        quote!(::std::vec::Vec<#operand>),
                        quote!(#h.operands::<#m>(#i)),
                    )
                }
                _ => (with_marker(ty, &m), quote!(#h.operand::<#m>(#i))),
            };
        }
        if let Some(block) = probed(pre) {
            // The parameter is the handle or an `Option` of it, as the
            // source's type says (`Shape`); a mismatch is reported at the
            // source.
            let shape = shape_var(i);
            let wrapped = |handle: TokenStream| {
                if valid::shape(ty).starts_with("Option<") {
                    let inner = with_marker(inner_type(ty), &m);
                    quote!(::core::option::Option<#inner>)
                } else {
                    handle
                }
            };
            // Every token at the source, so that a mismatch with the
            // parameter is reported there.
            let span = block.span();
            match (pre.kind, pre.flags.optional.is_some()) {
                (Kind::Dir, _) => {
                    return (
                        wrapped(with_marker(ty, &m)),
                        respan(quote!(#h.dir_as::<#m, _>(#i, #shape)), span),
                    )
                }
                (Kind::File, false) => {
                    return (
                        wrapped(with_marker(ty, &m)),
                        respan(quote!(#h.file_as::<#m, _>(#i, #shape)), span),
                    )
                }
                _ => {}
            }
        }
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
            (_, _) => {
                let ty = with_marker(ty, &m);
                (ty.clone(), quote!(#h.socket::<#ty>(#i)))
            }
        };
    }
    let (i, service) = attr
        .services
        .iter()
        .enumerate()
        .find(|(_, s)| param.name == s.name.name())
        .expect("validated parameter");
    let ty = match service_marker(service) {
        Some((m, _)) => with_marker(&param.ty, &quote!(#module::#m)),
        None => {
            let ty = &param.ty;
            quote!(#ty)
        }
    };
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

    let markers = attr
        .preopens
        .iter()
        .map(|pre| marker(attr, pre))
        .chain(
            attr.services
                .iter()
                .filter_map(service_marker)
                .map(|(_, t)| t),
        )
        .chain(limit_markers(attr));
    let limit_sets = attr.limit_sets.iter().map(|set| {
        let name = &set.name;
        let text = name.to_string();
        let max = set.max.map_or(0, |(n, _)| n);
        quote!(#p::LimitSet {
            name: #text,
            limits: <#ident::#name as #p::Limit>::LIMITS,
            max: #max,
        })
    });
    let probes = probes(attr);
    let preopens = attr.preopens.iter().enumerate().map(|(i, pre)| {
        let name = pre.name.to_string();
        let kind = format_ident!("{}", pre.kind.rust_name());
        let m = marker_name(&pre.name);
        let src = match probed(pre) {
            Some(block) => {
                let stmts = &block.stmts;
                let text = quote!(#(#stmts)*).to_string();
                let value = value_var(i);
                quote! {
                    match #value {
                        ::core::option::Option::Some(value) => #p::Source::Expr { text: #text, value },
                        ::core::option::Option::None => #p::Source::Absent { text: #text },
                    }
                }
            }
            None => source(&pre.source, pre.kind),
        };
        let flags = open_flags(&pre.flags, pre.kind);
        let (_, list) = preopen_rights(attr, pre);
        // A socket's default rights narrow `fcntl` to `F_GETFL`.
        let fcntls = (list.is_none() && pre.kind.is_socket()).then_some(DEFAULT_SOCKET_FCNTLS);
        let limits = limits_with(
            quote!(<#ident::#m as #p::RightsMarker>::RIGHTS),
            list,
            fcntls,
        );
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
    let on_setup_error = match &attr.on_setup_error {
        Some((f, span)) => quote_spanned! {*span=>
            ::core::option::Option::Some({
                let __sandboxed_report: fn(&#p::Error) -> i32 = #f;
                __sandboxed_report
            })
        },
        None => quote!(::core::option::Option::None),
    };

    // A function item of its own, so that a path, a closure or a block
    // giving either fits the plan's `fn` pointer.
    let before_entry = match &attr.before_entry {
        Some((f, span)) => quote_spanned! {*span=>
            ::core::option::Option::Some({
                fn __sandboxed_before_entry() -> #p::BeforeEntry {
                    #p::before_entry_outcome((#f)())
                }
                __sandboxed_before_entry
            })
        },
        None => quote!(::core::option::Option::None),
    };

    let (body_params, args): (Vec<_>, Vec<_>) = params
        .iter()
        .map(|param| {
            let (ty, arg) = handle(attr, ident, param);
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
    // tokio sizes its runtime after entry; what it reads for that is read
    // now, outside (see `__private::before_tokio`).
    let before = if runtime_attrs.is_empty() {
        quote!()
    } else {
        quote!(#p::before_tokio();)
    };

    // The markers sit beside the function, in a module of its name (so
    // that two functions of one module may declare the same names), and
    // are imported into the function's module, so that helpers can name
    // a handle's type: `fn serve(root: &Dir<rights_of_root>)` (or
    // `main::rights_of_root` where two such imports collide).
    quote! {
        #[doc(hidden)]
        #[allow(non_snake_case, unreachable_pub)]
        pub(crate) mod #ident {
            #(#markers)*
        }
        #[allow(unused_imports)]
        use #ident::*;
        #(#outer_attrs)*
        #vis fn #ident() #output {
            #[allow(clippy::needless_pass_by_value, clippy::too_many_arguments)]
            #(#runtime_attrs)*
            #asyncness fn __sandboxed_body(#(#body_params),*) #output #block
            #(#probes)*
            let __sandboxed_plan = #p::Plan {
                preopens: ::std::vec![#(#preopens),*],
                stdio: ::std::vec![#(#stdio),*],
                services: ::std::vec![#(#services),*],
                on_unsupported: #on_unsupported,
                exit_code: #exit_code,
                on_setup_error: #on_setup_error,
                before_entry: #before_entry,
                limits: ::std::vec![#(#limit_sets),*],
            };
            #before
            #handles
            __sandboxed_body(#(#args),*)
        }
    }
}

/// The `can` module's traits: one per right, whose diagnostic names the
/// right and the fix when a handle lacks it.
pub fn can_traits() -> TokenStream {
    let traits = Right::ALL.iter().map(|r| {
        let can = format_ident!("{}", r.rust_name());
        let doc = format!("The rights marker includes `{r}`.");
        let message = format!("this handle lacks the `{r}` right (its rights are `{{Self}}`)");
        let label = format!("needs `{r}`");
        let note = format!(
            "add `{r}` to the rights the handle was declared with: its declaration's `rights(...)`, \
             or the `limits(...)` set it was narrowed to"
        );
        // `File` or `Dir` written without rights (in a helper's signature,
        // say) is `File<Unknown>`, the default, which holds no right.
        let default = format!(
            "a `File` or `Dir` written without its rights is `File<Unknown>`, which holds none: \
             name the declaration's, `Dir<rights_of_NAME>`, or take any that hold `{r}`: `&Dir<impl can::{can}>`"
        );
        quote! {
            #[doc = #doc]
            #[diagnostic::on_unimplemented(message = #message, label = #label, note = #note, note = #default)]
            pub trait #can: super::RightsMarker {}
        }
    });
    quote!(#(#traits)*)
}
