//! The expansion compiles silently under strict lints and with hostile
//! names in scope: it spells every path absolutely (`::sandboxed::__private`,
//! `::core`, `::std`). Compile-only: the annotated functions are never
//! called, so no sandbox is entered in the test runner.

#![deny(warnings)]
#![deny(clippy::all, clippy::pedantic)]
#![allow(dead_code, clippy::unnecessary_wraps)]

use ::std::io::{Read as _, Seek as _, Write as _};

use sandboxed::services::{Dns, FileArgs, Grp, Net, Pwd, Sysctl, Syslog};
use sandboxed::{sandboxed, Dir, File};

struct Result;
struct Ok;
struct Err;
struct Vec;
struct Option;
struct Some;
struct None;
struct String;
struct Box;
struct OsString;
struct Plan;
struct Preopen;
struct Source;
mod core {}
mod std {}
mod sandboxed_private {}

#[sandboxed(
    preopen(
        old = file(arg(1)),
        new = file(arg(2), write, create, truncate, mode = 0o600),
        maybe = file("/etc/hostname", optional),
        many = files(args(3..)),
        out = dir(env("OUT_DIR"), create),
        cfg = file({ "/etc/hosts" }),
    ),
    rights(
        old = [pread, fstat],
        new = [write, seek, ftruncate, fstat],
        out = [lookup, read, create, write, fstat, ioctls(fionread), fcntls(getfl)],
        stdout = [write, fstat],
        stderr = [write],
    ),
    services(
        dns(types = [name2addr], families = [inet, inet6]),
        net(modes = [connect, name2addr], hosts = [("example.org", "https"), "localhost", (_, "80")], connect = ["127.0.0.1:80", "[::1]:443"]),
        pwd(cmds = [getpwnam], fields = [pw_name, pw_uid], users = ["root", 0]),
        grp(cmds = [getgrgid], groups = [0]),
        sysctl(read = ["kern.ostype"], recursive = ["kern.ostype"]),
        syslog,
        fileargs(args(1..), read, rights = [read, fstat], operations = [open, lstat]),
    ),
    on_unsupported = "warn",
    exit_code = 2,
)]
fn everything(
    mut old: File,
    mut new: File,
    maybe: ::core::option::Option<File>,
    many: ::std::vec::Vec<File>,
    out: Dir,
    cfg: File,
    dns: Dns,
    net: Net,
    pwd: Pwd,
    grp: Grp,
    sysctl: Sysctl,
    syslog: Syslog,
    fileargs: FileArgs,
) -> ::core::result::Result<(), ::std::io::Error> {
    let mut buf = [0u8; 4];
    let n = old.read(&mut buf)?;
    old.read_at(&mut buf, 0)?;
    old.rewind()?;
    new.write_all(&buf[..n])?;
    new.set_len(0)?;
    let _ = (
        maybe,
        many,
        out.open("x"),
        cfg,
        dns,
        net,
        pwd,
        grp,
        sysctl,
        syslog,
        fileargs,
    );
    ::core::result::Result::Ok(())
}

#[sandboxed(preopen(input = file(arg(1))), rights(stdio))]
fn smallest(input: File) {
    let _ = input;
}

#[sandboxed()]
fn nothing() {}

#[test]
fn expansions_compile_under_strict_lints_and_hostile_names() {
    // Referencing the functions keeps them type-checked; they are not run.
    let _ = (everything as fn() -> _, smallest as fn(), nothing as fn());
}
