//! What a record proposes: the fix in words, the declaration to add where
//! one helps, and whether that declaration alone removes the denial (a
//! missing right, open flag, `ioctls(..)` command) or the code must change
//! too (a path opened by name needs the preopen's handle; a socket needs
//! the net service's). The dry-run summary applies every addition to the
//! program's own declaration and prints the whole attribute and `main`'s
//! parameters (`attribute.rs`), to paste in place of the old ones.

use std::fmt::Write as _;
use std::net::SocketAddr;

use crate::decl::{
    DnsLimits, Kind, NetLimits, NetMode, OpenFlags, Plan, Preopen, ServiceDecl, Source,
};
use crate::rights::{Fcntl, Ioctl, Limits, Right, RightSet};

use super::attribute::{flags_text, limits_text, service_param};
use super::{Caller, Described, Object, Reason, Record};

/// A change to the declaration.
#[derive(Clone, Debug, PartialEq)]
pub(crate) enum Addition {
    /// More rights for a declaration (and the `write` open flag it needs).
    Rights {
        /// The declaration (`config`, `stdout`).
        target: String,
        /// The rights to add.
        add: RightSet,
        /// Whether its preopen must be opened with `write`.
        write_flag: bool,
    },
    /// One more `ioctls(..)` command.
    Ioctl {
        /// The declaration.
        target: String,
        /// The command.
        word: Ioctl,
    },
    /// One more `fcntls(..)` command.
    Fcntl {
        /// The declaration.
        target: String,
        /// The command.
        word: Fcntl,
    },
    /// A new preopen of `path`.
    Preopen {
        /// The path as the program opened it.
        path: String,
        /// `dir(..)` rather than `file(..)`.
        dir: bool,
        /// Its open flags.
        flags: OpenFlags,
    },
    /// `services(dns)`.
    Dns,
    /// `net(modes = [bind], bind = [addr])`.
    Bind(SocketAddr),
    /// `net(modes = [connect], connect = [addr])`.
    Connect(SocketAddr),
    /// `services(pwd)`.
    Pwd,
    /// `services(grp)`.
    Grp,
}

/// How far a fix goes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Cover {
    /// The declaration alone removes the denial.
    Alone,
    /// The declaration allows it once the code uses its handle (the fix
    /// says how).
    WithCode,
    /// No declaration allows it.
    Not,
}

/// What a record proposes.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct Fix {
    /// The fix in words (empty when nothing can allow it).
    pub text: String,
    /// The declaration to add, if one helps.
    pub addition: Option<Addition>,
    /// How far it goes.
    pub cover: Cover,
}

impl Fix {
    fn none(text: impl Into<String>) -> Fix {
        Fix {
            text: text.into(),
            addition: None,
            cover: Cover::Not,
        }
    }
}

/// Files libc reads for a service, and the service that replaces them.
const SERVICE_FILES: &[(&str, &str)] = &[
    ("/etc/resolv.conf", "dns"),
    ("/etc/hosts", "dns"),
    ("/etc/nsswitch.conf", "dns"),
    ("/etc/gai.conf", "dns"),
    ("/etc/host.conf", "dns"),
    ("/etc/services", "dns"),
    ("/etc/passwd", "pwd"),
    ("/etc/shadow", "pwd"),
    ("/etc/group", "grp"),
];

/// A declaration name made from a path (`/etc/localtime` → `localtime`).
pub(crate) fn name_for(path: &str) -> String {
    let trimmed = path.trim_end_matches('/');
    let stem = std::path::Path::new(trimmed)
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default();
    let mut name: String = stem
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() {
                c.to_ascii_lowercase()
            } else {
                '_'
            }
        })
        .collect();
    if name.is_empty() || name.starts_with(|c: char| c.is_ascii_digit()) || name == "_" {
        name.insert_str(0, "file_");
    }
    if is_keyword(&name) {
        name.push('_');
    }
    name
}

fn is_keyword(name: &str) -> bool {
    matches!(
        name,
        "as" | "break"
            | "const"
            | "continue"
            | "crate"
            | "else"
            | "enum"
            | "extern"
            | "false"
            | "fn"
            | "for"
            | "if"
            | "impl"
            | "in"
            | "let"
            | "loop"
            | "match"
            | "mod"
            | "move"
            | "mut"
            | "pub"
            | "ref"
            | "return"
            | "self"
            | "static"
            | "struct"
            | "super"
            | "trait"
            | "true"
            | "type"
            | "unsafe"
            | "use"
            | "where"
            | "while"
            | "async"
            | "await"
            | "dyn"
            | "stdio"
            | "stdin"
            | "stdout"
            | "stderr"
    )
}

/// The open flags a call's decoded flags ask for.
fn flags_of(call: &str) -> OpenFlags {
    let write = call.contains("O_WRONLY") || call.contains("O_RDWR");
    OpenFlags {
        read: !call.contains("O_WRONLY"),
        write: write && !call.contains("O_APPEND"),
        append: call.contains("O_APPEND"),
        create: call.contains("O_CREAT"),
        truncate: call.contains("O_TRUNC"),
        exclusive: call.contains("O_EXCL") && call.contains("O_CREAT"),
        ..OpenFlags::READ
    }
}

/// Whether `function` is one of std's own (not called by the user with
/// the path: `std::thread::available_parallelism` reading cgroup files).
fn library_text(function: &str, path: &str) -> String {
    format!(
        "`{function}` opens {path:?} by path: a preopen cannot help code that opens by path (it never sees the handle). Run that code once before entry (`before_entry = init`), where it keeps what it read, or give it the data another way"
    )
}

/// The fix `record` proposes.
pub(crate) fn fix(record: &Record) -> Fix {
    let library = match &record.caller {
        Some(Caller::Library(f)) => Some(f.as_str()),
        _ => None,
    };
    match (&record.reason, &record.object) {
        (Reason::GlobalPath, Object::GlobalPath(path)) => {
            if let Some(f) = library {
                return Fix::none(library_text(f, path));
            }
            if let Some((_, service)) = SERVICE_FILES.iter().find(|(f, _)| f == path) {
                let (addition, how) = match *service {
                    "dns" => (Addition::Dns, "look names up with the `dns` handle (`dns.lookup_host(..)`) instead of std's resolver"),
                    "pwd" => (Addition::Pwd, "read users with the `pwd` handle instead of libc's"),
                    _ => (Addition::Grp, "read groups with the `grp` handle instead of libc's"),
                };
                return Fix {
                    text: format!("libc reads {path} for it: declare `services({service})` and {how}"),
                    addition: Some(addition),
                    cover: Cover::WithCode,
                };
            }
            let dir = record.opened_dir || path.ends_with('/') || record.call.contains("O_DIRECTORY");
            let flags = if dir { OpenFlags::READ } else { flags_of(&record.call) };
            let name = name_for(path);
            let kind = if dir { "dir" } else { "file" };
            let ty = if dir { "Dir" } else { "File" };
            Fix {
                text: format!(
                    "preopen it and use the handle: `preopen({name} = {kind}({path:?}{}))`, the parameter `{name}: {ty}`, and `{name}` where the code opens {path:?} (a preopen does not redirect an open by path)",
                    flags_text(&flags, if dir { Kind::Dir } else { Kind::File })
                ),
                addition: Some(Addition::Preopen {
                    path: path.clone(),
                    dir,
                    flags,
                }),
                cover: Cover::WithCode,
            }
        }
        (Reason::MissingRight(right), Object::Descriptor { decl: Some(d), .. }) => {
            rights_fix(d, right.set())
        }
        (Reason::MissingRight(right), Object::Beneath { dir, .. }) => rights_fix(dir, right.set()),
        (Reason::MissingRights(_, all), Object::Descriptor { decl: Some(d), .. }) => {
            rights_fix(d, *all)
        }
        (Reason::MissingRights(_, all), Object::Beneath { dir, .. }) => rights_fix(dir, *all),
        (Reason::MissingIoctl { word: Some(word), command }, Object::Descriptor { decl: Some(d), .. }) => {
            let mut limits = d.limits;
            let list = with_word(limits.ioctls, *word);
            limits.ioctls = Some(list);
            Fix {
                text: format!(
                    "`rights({} = [{}])` ({command} is `{word}`)",
                    d.name,
                    limits_text(&limits)
                ),
                addition: Some(Addition::Ioctl {
                    target: d.name.clone(),
                    word: *word,
                }),
                cover: Cover::Alone,
            }
        }
        (Reason::MissingRight(_) | Reason::MissingRights(..), Object::Limited { .. }) => Fix {
            text: "the right goes in the `limits(...)` set the code narrowed this descriptor to (rights only shrink: it cannot get back what the set leaves out), or in `fileargs`' rights for a file it opened".into(),
            addition: None,
            cover: Cover::WithCode,
        },
        (Reason::MissingIoctl { word: None, command }, _) => Fix::none(format!(
            "no `ioctls(..)` word names {command}: no declaration allows it; change the code"
        )),
        (Reason::MissingFcntl { word: Some(word), command }, Object::Descriptor { decl: Some(d), .. }) => {
            let mut limits = d.limits;
            limits.fcntls = Some(with_word(limits.fcntls, *word));
            Fix {
                text: format!(
                    "`rights({} = [{}])` ({command} is `{word}`)",
                    d.name,
                    limits_text(&limits)
                ),
                addition: Some(Addition::Fcntl {
                    target: d.name.clone(),
                    word: *word,
                }),
                cover: Cover::Alone,
            }
        }
        (Reason::Endpoint, Object::Bind(addr)) => match addr.parse::<SocketAddr>() {
            Ok(a) => Fix {
                text: format!(
                    "bind through the net service: `services(net(modes = [bind], bind = [\"{a}\"]))`, the parameter `net: Net`, and a listening socket from `net.listen(\"{a}\")` (or `net.bind_udp(..)`) instead of std::net"
                ),
                addition: Some(Addition::Bind(a)),
                cover: Cover::WithCode,
            },
            Err(_) => Fix::none("no declaration allows binding this address"),
        },
        (Reason::Endpoint, Object::Connect(addr)) => match addr.parse::<SocketAddr>() {
            Ok(a) => Fix {
                text: format!(
                    "connect through the net service: `services(net(modes = [connect], connect = [\"{a}\"]))`, the parameter `net: Net`, and `net.connect(\"{a}\")` instead of std::net"
                ),
                addition: Some(Addition::Connect(a)),
                cover: Cover::WithCode,
            },
            Err(_) => Fix::none("no declaration allows connecting to this address"),
        },
        (Reason::Endpoint, Object::Endpoint(e)) if e.starts_with("new AF_INET") => Fix {
            cover: Cover::WithCode,
            ..Fix::none(
                "sockets come from the net service: `net.connect(..)`, `net.listen(..)` or `net.bind_udp(..)` with `services(net(..))` declaring their addresses (`SANDBOXED_TRACE=dry-run` lists them)",
            )
        },
        (Reason::Escapes, Object::Beneath { path, dir }) => Fix::none(format!(
            "{path:?} leaves `{}`: preopen what it names with a declaration of its own and open it through that handle",
            dir.name
        )),
        _ => Fix::none(""),
    }
}

fn with_word<W: Copy + PartialEq + 'static>(list: Option<&'static [W]>, word: W) -> &'static [W] {
    let mut v: Vec<W> = list.unwrap_or(&[]).to_vec();
    if !v.contains(&word) {
        v.push(word);
    }
    // The dry-run report is made once, at exit.
    Box::leak(v.into_boxed_slice())
}

fn rights_fix(d: &Described, add: RightSet) -> Fix {
    let mut limits = d.limits;
    limits.rights = limits.rights.union(add);
    let needs_write = [Right::Write, Right::Pwrite, Right::Ftruncate]
        .iter()
        .any(|&r| add.allows(r));
    let write_flag = needs_write && d.flags.is_some_and(|f| !f.write && !f.append) && !d.dir;
    let mut text = format!("`rights({} = [{}])`", d.name, limits_text(&limits));
    if write_flag {
        let _ = write!(text, " and open it with `write` (preopen `{}`)", d.name);
    }
    Fix {
        text,
        addition: Some(Addition::Rights {
            target: d.name.clone(),
            add,
            write_flag,
        }),
        cover: Cover::Alone,
    }
}

/// `plan` with every addition made.
pub(crate) fn apply(plan: &Plan, additions: &[Addition]) -> Plan {
    let mut plan = plan.clone();
    for a in additions {
        match a {
            Addition::Rights {
                target,
                add,
                write_flag,
            } => {
                if let Some(p) = plan.preopens.iter_mut().find(|p| p.name == target) {
                    p.limits.rights = p.limits.rights.union(*add);
                    if *write_flag {
                        p.flags.write = true;
                    }
                } else if let Some((_, l)) = plan.stdio.iter_mut().find(|(s, _)| s.name() == target)
                {
                    l.rights = l.rights.union(*add);
                }
            }
            Addition::Ioctl { target, word } => {
                if let Some(l) = limits_of(&mut plan, target) {
                    l.ioctls = Some(with_word(l.ioctls, *word));
                    l.rights = l.rights.union(Right::Ioctl.set());
                }
            }
            Addition::Fcntl { target, word } => {
                if let Some(l) = limits_of(&mut plan, target) {
                    l.fcntls = Some(with_word(l.fcntls, *word));
                    l.rights = l.rights.union(Right::Fcntl.set());
                }
            }
            Addition::Preopen { path, dir, flags } => {
                if plan
                    .preopens
                    .iter()
                    .any(|p| p.source == Source::Literal(leak(path)))
                {
                    continue;
                }
                let mut name = name_for(path);
                let base = name.clone();
                let mut n = 2;
                while plan.preopens.iter().any(|p| p.name == name)
                    || plan.services.iter().any(|s| service_param(s).0 == name)
                {
                    name = format!("{base}_{n}");
                    n += 1;
                }
                let kind = if *dir { Kind::Dir } else { Kind::File };
                let limits = Limits {
                    rights: if *dir {
                        crate::rights::DEFAULT_DIR_RIGHTS
                    } else {
                        crate::rights::default_file_rights(flags)
                    },
                    ..Limits::default()
                };
                plan.preopens.push(Preopen {
                    name: leak(&name),
                    kind,
                    source: Source::Literal(leak(path)),
                    flags: *flags,
                    limits,
                });
            }
            Addition::Dns | Addition::Pwd | Addition::Grp => {
                let service = match a {
                    Addition::Dns => ServiceDecl::Dns(DnsLimits::default()),
                    Addition::Pwd => ServiceDecl::Pwd(Default::default()),
                    _ => ServiceDecl::Grp(Default::default()),
                };
                if !plan
                    .services
                    .iter()
                    .any(|s| s.service() == service.service())
                {
                    plan.services.push(service);
                }
            }
            Addition::Bind(addr) | Addition::Connect(addr) => {
                let bind = matches!(a, Addition::Bind(_));
                let net = match plan.services.iter_mut().find_map(|s| match s {
                    ServiceDecl::Net(l) => Some(l),
                    _ => None,
                }) {
                    Some(l) => l,
                    None => {
                        plan.services.push(ServiceDecl::Net(NetLimits::default()));
                        let Some(ServiceDecl::Net(l)) = plan.services.last_mut() else {
                            unreachable!()
                        };
                        l
                    }
                };
                let (mode, addrs) = if bind {
                    (NetMode::Bind, &mut net.bind)
                } else {
                    (NetMode::Connect, &mut net.connect)
                };
                if !addrs.contains(addr) {
                    addrs.push(*addr);
                }
                if !net.modes.contains(&mode) {
                    net.modes.push(mode);
                }
            }
        }
    }
    plan
}

fn limits_of<'a>(plan: &'a mut Plan, target: &str) -> Option<&'a mut Limits> {
    if let Some(p) = plan.preopens.iter_mut().find(|p| p.name == target) {
        return Some(&mut p.limits);
    }
    plan.stdio
        .iter_mut()
        .find(|(s, _)| s.name() == target)
        .map(|(_, l)| l)
}

fn leak(s: &str) -> &'static str {
    Box::leak(s.to_owned().into_boxed_str())
}
