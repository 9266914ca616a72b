//! A declaration written back as the attribute's text: what the dry-run
//! summary prints, with every proposed addition made, for the program to
//! paste in place of its attribute and `main`'s parameters.

use std::fmt::Write as _;

use crate::decl::{Kind, OpenFlags, Plan, Preopen, Principal, ServiceDecl, Source, Stdio};
use crate::rights::{Limits, Right};

pub(super) fn flags_text(f: &OpenFlags, kind: Kind) -> String {
    let mut out = String::new();
    if kind.is_socket() {
        if f.nonblocking {
            out.push_str(", nonblocking");
        }
        if f.backlog != 0 {
            let _ = write!(out, ", backlog = {}", f.backlog);
        }
        return out;
    }
    if kind == Kind::Dir {
        if f.create {
            out.push_str(", create");
        }
        return out;
    }
    for (on, word) in [
        // `read` is the default only without `write` and `append`.
        (f.read && (f.write || f.append), "read"),
        (f.write, "write"),
        (f.append, "append"),
        (f.create && !f.exclusive, "create"),
        (f.truncate, "truncate"),
        (f.exclusive, "create, exclusive"),
        (f.optional, "optional"),
    ] {
        if on {
            let _ = write!(out, ", {word}");
        }
    }
    if (f.create || f.exclusive) && f.mode != 0o666 {
        let _ = write!(out, ", mode = {:#o}", f.mode);
    }
    out
}

/// `read, fstat, ioctls(fionread)`: a declaration's limits as the
/// attribute writes them.
pub(crate) fn limits_text(limits: &Limits) -> String {
    // `ioctls(..)` and `fcntls(..)` imply `ioctl` and `fcntl`.
    let mut parts: Vec<String> = limits
        .rights
        .atoms()
        .filter(|r| !(*r == Right::Ioctl && limits.ioctls.is_some()))
        .filter(|r| !(*r == Right::Fcntl && limits.fcntls.is_some()))
        .map(|r| r.name().to_owned())
        .collect();
    let ioctls = limits.ioctls.map(|list| {
        let names: Vec<&str> = list.iter().map(|w| w.name()).collect();
        format!("ioctls({})", names.join(", "))
    });
    let fcntls = limits.fcntls.map(|list| {
        let names: Vec<&str> = list.iter().map(|w| w.name()).collect();
        format!("fcntls({})", names.join(", "))
    });
    parts.extend(ioctls);
    parts.extend(fcntls);
    parts.join(", ")
}

fn source_text(source: &Source) -> String {
    match source {
        Source::Literal(p) => format!("{p:?}"),
        Source::Arg(n) => format!("arg({n})"),
        Source::Args(n) => format!("args({n}..)"),
        Source::Env(v) => format!("env({v:?})"),
        Source::Expr { text, .. } | Source::Exprs { text, .. } | Source::Absent { text } => {
            format!("{{ {text} }}")
        }
    }
}

fn preopen_text(p: &Preopen) -> String {
    format!(
        "{} = {}({}{})",
        p.name,
        p.kind.name(),
        source_text(&p.source),
        flags_text(&p.flags, p.kind)
    )
}

fn list<T>(items: &[T], f: impl Fn(&T) -> String) -> String {
    items.iter().map(f).collect::<Vec<_>>().join(", ")
}

fn service_text(s: &ServiceDecl) -> String {
    let mut parts: Vec<String> = Vec::new();
    let mut push = |key: &str, value: String| {
        if !value.is_empty() {
            parts.push(format!("{key} = [{value}]"));
        }
    };
    let name = match s {
        ServiceDecl::Dns(l) => {
            push("types", list(&l.types, |t| t.to_string()));
            push("families", list(&l.families, |f| f.to_string()));
            "dns"
        }
        ServiceDecl::Net(l) => {
            push("modes", list(&l.modes, |m| m.to_string()));
            push(
                "hosts",
                list(&l.hosts, |(h, s)| match (h, s) {
                    (Some(h), None) => format!("{h:?}"),
                    (Some(h), Some(s)) => format!("({h:?}, {s:?})"),
                    (None, Some(s)) => format!("(_, {s:?})"),
                    (None, None) => "(_, _)".into(),
                }),
            );
            push("families", list(&l.families, |f| f.to_string()));
            push("bind", list(&l.bind, |a| format!("\"{a}\"")));
            push("connect", list(&l.connect, |a| format!("\"{a}\"")));
            "net"
        }
        ServiceDecl::Pwd(l) => {
            push("cmds", list(&l.cmds, |c| c.to_string()));
            push("fields", list(&l.fields, |f| f.to_string()));
            push("users", list(&l.principals, principal));
            "pwd"
        }
        ServiceDecl::Grp(l) => {
            push("cmds", list(&l.cmds, |c| c.to_string()));
            push("fields", list(&l.fields, |f| f.to_string()));
            push("groups", list(&l.principals, principal));
            "grp"
        }
        ServiceDecl::Sysctl(l) => {
            let named = |pick: fn(&crate::decl::SysctlAccess) -> bool| {
                list(
                    &l.entries
                        .iter()
                        .filter(|(_, a)| pick(a))
                        .map(|(n, _)| *n)
                        .collect::<Vec<_>>(),
                    |n| format!("{n:?}"),
                )
            };
            push("read", named(|a| a.read && !a.recursive));
            push("write", named(|a| a.write));
            push("recursive", named(|a| a.recursive));
            "sysctl"
        }
        ServiceDecl::Syslog => "syslog",
        ServiceDecl::FileArgs(l) => {
            let mut head = source_text(&l.source);
            head.push_str(&flags_text(&l.flags, Kind::Files));
            let mut all = vec![head];
            all.push(format!("rights = [{}]", limits_text(&l.limits)));
            all.push(format!(
                "operations = [{}]",
                list(&l.operations, |o| o.to_string())
            ));
            return format!("fileargs({})", all.join(", "));
        }
    };
    if parts.is_empty() {
        name.to_owned()
    } else {
        format!("{name}({})", parts.join(", "))
    }
}

fn principal(p: &Principal) -> String {
    match p {
        Principal::Name(n) => format!("{n:?}"),
        Principal::Id(i) => i.to_string(),
    }
}

pub(super) fn service_param(s: &ServiceDecl) -> (&'static str, &'static str) {
    match s {
        ServiceDecl::Dns(_) => ("dns", "Dns"),
        ServiceDecl::Net(_) => ("net", "Net"),
        ServiceDecl::Pwd(_) => ("pwd", "Pwd"),
        ServiceDecl::Grp(_) => ("grp", "Grp"),
        ServiceDecl::Sysctl(_) => ("sysctl", "Sysctl"),
        ServiceDecl::Syslog => ("syslog", "Syslog"),
        ServiceDecl::FileArgs(_) => ("fileargs", "FileArgs"),
    }
}

/// The attribute and `main`'s parameters that declare `plan`.
pub(crate) fn render(plan: &Plan) -> String {
    let mut parts: Vec<String> = Vec::new();
    if !plan.preopens.is_empty() {
        parts.push(format!("preopen({})", list(&plan.preopens, preopen_text)));
    }
    let mut rights: Vec<String> = plan
        .preopens
        .iter()
        .map(|p| format!("{} = [{}]", p.name, limits_text(&p.limits)))
        .collect();
    let caph = [
        (Stdio::Stdin, Limits::STDIN),
        (Stdio::Stdout, Limits::STDOUT),
        (Stdio::Stderr, Limits::STDOUT),
    ];
    if plan.stdio.len() == 3 && caph.iter().all(|c| plan.stdio.contains(c)) {
        rights.push("stdio".into());
    } else {
        for (stream, limits) in &plan.stdio {
            rights.push(format!("{} = [{}]", stream.name(), limits_text(limits)));
        }
    }
    if !rights.is_empty() {
        parts.push(format!("rights({})", rights.join(", ")));
    }
    if !plan.services.is_empty() {
        parts.push(format!("services({})", list(&plan.services, service_text)));
    }
    if plan.on_unsupported == crate::decl::OnUnsupported::Warn {
        parts.push("on_unsupported = \"warn\"".into());
    }
    if let Some(code) = plan.exit_code {
        parts.push(format!("exit_code = {code}"));
    }
    let mut text = String::from("#[sandboxed::sandboxed(\n");
    for p in &parts {
        let _ = writeln!(text, "    {p},");
    }
    text.push_str(")]\n");
    let params: Vec<String> = plan
        .preopens
        .iter()
        .map(|p| {
            let ty = match (p.kind, p.flags.optional) {
                (Kind::File, false) => "sandboxed::File".to_owned(),
                (Kind::File, true) => "Option<sandboxed::File>".to_owned(),
                (Kind::Dir, _) => "sandboxed::Dir".to_owned(),
                (Kind::Files, _) => "Vec<sandboxed::File>".to_owned(),
                (socket, _) => format!("sandboxed::net::{}", socket.type_name()),
            };
            format!("{}: {ty}", p.name)
        })
        .chain(plan.services.iter().map(|s| {
            let (name, ty) = service_param(s);
            format!("{name}: sandboxed::services::{ty}")
        }))
        .collect();
    let _ = writeln!(text, "fn main({})", params.join(", "));
    text
}
