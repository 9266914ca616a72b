//! The model of one `#[sandboxed(...)]`: what the attribute declares and
//! the function it is on. Every leaf keeps its span for error messages.

use proc_macro2::Span;
use syn::{Ident, LitStr};

use crate::symbol::RightDef;

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
    /// A preopen or service was dropped by a parse error: checks that need
    /// every declaration (parameters, rights targets) are skipped.
    pub incomplete: bool,
}

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Kind {
    File,
    Dir,
    Files,
}

impl Kind {
    pub fn name(self) -> &'static str {
        match self {
            Kind::File => "file",
            Kind::Dir => "dir",
            Kind::Files => "files",
        }
    }
}

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
    pub mode: Option<(u32, Span)>,
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
    pub rights: Vec<(&'static RightDef, Span)>,
    /// Runtime `Ioctl` variants, and the span of `ioctls`.
    pub ioctls: Option<(Vec<&'static str>, Span)>,
    pub fcntls: Option<(Vec<&'static str>, Span)>,
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

    /// The atoms of every right listed, plus `ioctl` / `fcntl` when their
    /// commands are narrowed.
    pub fn atoms(&self) -> u128 {
        let mut atoms = self.rights.iter().fold(0, |a, (r, _)| a | r.atoms);
        if self.ioctls.is_some() {
            atoms |= crate::symbol::atoms_of(&["ioctl"]);
        }
        if self.fcntls.is_some() {
            atoms |= crate::symbol::atoms_of(&["fcntl"]);
        }
        atoms
    }
}

/// `TARGET = [...]`.
pub struct RightsEntry {
    pub target: Target,
    pub list: RightsList,
}

/// One service and its limits.
pub struct Service {
    pub name: &'static str,
    pub span: Span,
    pub limits: Limits,
}

pub enum Principal {
    Name(String),
    Id(u32),
}

pub enum Limits {
    Dns {
        types: Vec<&'static str>,
        families: Vec<&'static str>,
    },
    Net {
        modes: Vec<&'static str>,
        hosts: Vec<(Option<String>, Option<String>)>,
        families: Vec<&'static str>,
        bind: Vec<std::net::SocketAddr>,
        connect: Vec<std::net::SocketAddr>,
    },
    Db {
        cmds: Vec<String>,
        fields: Vec<String>,
        principals: Vec<Principal>,
    },
    Sysctl {
        /// Name, read, write, recursive.
        entries: Vec<(String, bool, bool, bool)>,
    },
    Syslog,
    FileArgs {
        source: Option<Source>,
        flags: Flags,
        rights: Option<RightsList>,
        operations: Vec<&'static str>,
    },
}

/// One parameter of the annotated function.
pub struct Param {
    pub name: Ident,
    pub mutability: Option<syn::token::Mut>,
    pub ty: syn::Type,
    pub attrs: Vec<syn::Attribute>,
}
