//! The model of one `#[sandboxed(...)]`: what the attribute declares and
//! the function it is on. Every leaf keeps its span for error messages.

use proc_macro2::Span;
use syn::{Ident, LitStr};

use sandboxed_vocab::{
    DnsType, Family, Fcntl, FileOp, GrpCmd, GrpField, Ioctl, NetMode, OpenFlags, PwdCmd, PwdField,
    Right, RightSet,
};

/// The whole attribute.
#[derive(Default)]
pub struct Attr {
    pub preopens: Vec<Preopen>,
    pub rights: Vec<RightsEntry>,
    /// A bare `stdio` in `rights(...)`.
    pub stdio: Option<Span>,
    pub services: Vec<Service>,
    /// `on_unsupported = "warn"` (true) or `"deny"` (false).
    pub warn: Option<(bool, Span)>,
    pub exit_code: Option<(i32, Span)>,
    /// `on_setup_error = report` or `on_setup_error = { ... }`.
    pub on_setup_error: Option<(proc_macro2::TokenStream, Span)>,
    /// `before_entry = init` or `before_entry = { ... }`.
    pub before_entry: Option<(proc_macro2::TokenStream, Span)>,
    /// `limits(NAME = [...], ...)`: rights a descriptor can be limited to
    /// after entry.
    pub limit_sets: Vec<LimitSet>,
    /// Names declared by a preopen or service that could not be read
    /// whole (an unknown kind or service with no close match, a bad
    /// source): they count as declared, so that a rights list or a
    /// parameter naming one is not reported as well, but their parameter
    /// types are not checked.
    pub partial: Vec<Ident>,
    /// Some declaration's name could not be read at all (an unknown key
    /// with no close match, an item that is not `NAME = ...`): "not
    /// declared" and "matches no declaration" are not reported, since
    /// they might be wrong.
    pub names_unknown: bool,
    /// A parameter could not be read (a pattern, `self`): "declared but
    /// the function has no parameter" is not reported.
    pub params_unknown: bool,
}

/// What a preopen opens: the vocabulary's word.
pub use sandboxed_vocab::PreopenKind as Kind;

/// `NAME = KIND(SOURCE, FLAG...)`.
pub struct Preopen {
    pub name: Ident,
    pub kind: Kind,
    pub source: Source,
    pub flags: Flags,
}

/// Where a path comes from.
pub enum Source {
    Literal(LitStr),
    Arg(usize),
    Args(usize, Span),
    Env(LitStr),
    Expr(syn::Block),
}

/// Open flags, each with the span of the word that set it.
#[derive(Default)]
pub struct Flags {
    pub read: Option<Span>,
    pub write: Option<Span>,
    pub append: Option<Span>,
    pub create: Option<Span>,
    pub truncate: Option<Span>,
    pub exclusive: Option<Span>,
    pub optional: Option<Span>,
    /// `-` names the standard stream.
    pub dash: Option<Span>,
    /// Open failures are handed to the body as `Operand`s.
    pub fallible: Option<Span>,
    pub mode: Option<(u32, Span)>,
    /// A socket made non-blocking before entry.
    pub nonblocking: Option<Span>,
    /// `backlog = N` of a listening socket.
    pub backlog: Option<(u32, Span)>,
}

impl Flags {
    /// Opened for reading: `read`, or neither `write` nor `append`.
    pub fn reads(&self) -> bool {
        self.read.is_some() || (self.write.is_none() && self.append.is_none())
    }

    /// Opened for writing.
    pub fn writes(&self) -> bool {
        self.write.is_some() || self.append.is_some()
    }

    /// The flags as the runtime takes them.
    pub fn open_flags(&self) -> OpenFlags {
        OpenFlags {
            read: self.reads(),
            write: self.write.is_some(),
            append: self.append.is_some(),
            create: self.create.is_some(),
            truncate: self.truncate.is_some(),
            exclusive: self.exclusive.is_some(),
            mode: self.mode.map_or(OpenFlags::READ.mode, |(m, _)| m),
            optional: self.optional.is_some(),
            dash: self.dash.is_some(),
            fallible: self.fallible.is_some(),
            nonblocking: self.nonblocking.is_some(),
            backlog: self.backlog.map_or(0, |(n, _)| n),
        }
    }
}

/// The target of one `rights(...)` entry.
pub enum Target {
    Preopen(Ident),
    Stdio(&'static str, Span),
}

impl Target {
    pub fn name(&self) -> String {
        match self {
            Target::Preopen(i) => i.to_string(),
            Target::Stdio(s, _) => (*s).to_owned(),
        }
    }

    pub fn span(&self) -> Span {
        match self {
            Target::Preopen(i) => i.span(),
            Target::Stdio(_, s) => *s,
        }
    }
}

/// `[RIGHT, ..., ioctls(...), fcntls(...)]`.
pub struct RightsList {
    pub rights: Vec<(Right, Span)>,
    /// The commands of `ioctls(...)`, and the span of `ioctls`.
    pub ioctls: Option<(Vec<Ioctl>, Span)>,
    pub fcntls: Option<(Vec<Fcntl>, Span)>,
    pub span: Span,
}

impl RightsList {
    pub fn new(span: Span) -> Self {
        RightsList {
            rights: Vec::new(),
            ioctls: None,
            fcntls: None,
            span,
        }
    }

    /// The rights listed, plus `ioctl` / `fcntl` when their commands are
    /// narrowed (cap_ioctls_limit(2) needs `CAP_IOCTL` to be held).
    pub fn names(&self) -> Vec<Right> {
        let mut rights: Vec<Right> = self.rights.iter().map(|(r, _)| *r).collect();
        for (narrowed, right) in [
            (self.ioctls.is_some(), Right::Ioctl),
            (self.fcntls.is_some(), Right::Fcntl),
        ] {
            if narrowed && !rights.contains(&right) {
                rights.push(right);
            }
        }
        rights
    }

    /// Every right listed, and those they imply.
    pub fn set(&self) -> RightSet {
        RightSet::of(&self.names())
    }
}

/// `TARGET = [...]`.
pub struct RightsEntry {
    pub target: Target,
    pub list: RightsList,
}

/// `NAME = [RIGHT, ...]` or `NAME = ([RIGHT, ...], max = N)` of
/// `limits(...)`: a rights set descriptors can be limited to after entry,
/// and how many may be open at once (Linux reserves that many numbers).
pub struct LimitSet {
    pub name: Ident,
    pub list: RightsList,
    pub max: Option<(u32, Span)>,
}

/// One service and its limits.
pub struct Service {
    pub name: sandboxed_vocab::Service,
    pub span: Span,
    pub limits: ServiceLimits,
}

pub enum Principal {
    Name(String),
    Id(u32),
}

/// `cmds`, `fields` and `users` / `groups` of `pwd` and `grp`.
pub struct Db<Cmd, Field> {
    pub cmds: Vec<Cmd>,
    pub fields: Vec<Field>,
    pub principals: Vec<Principal>,
}

/// What a service is limited to, per service (the runtime's `DnsLimits`,
/// `NetLimits`...); a descriptor's rights are `rights::Limits` there.
pub enum ServiceLimits {
    Dns {
        types: Vec<DnsType>,
        families: Vec<Family>,
    },
    Net {
        modes: Vec<NetMode>,
        hosts: Vec<(Option<String>, Option<String>)>,
        families: Vec<Family>,
        bind: Vec<std::net::SocketAddr>,
        connect: Vec<std::net::SocketAddr>,
    },
    Pwd(Db<PwdCmd, PwdField>),
    Grp(Db<GrpCmd, GrpField>),
    Sysctl {
        /// Name, read, write, recursive.
        entries: Vec<(String, bool, bool, bool)>,
    },
    Syslog,
    FileArgs {
        source: Option<Source>,
        flags: Flags,
        rights: Option<RightsList>,
        operations: Vec<FileOp>,
    },
}

/// One parameter of the annotated function.
pub struct Param {
    pub name: Ident,
    pub mutability: Option<syn::token::Mut>,
    pub ty: syn::Type,
    pub attrs: Vec<syn::Attribute>,
}
