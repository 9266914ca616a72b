//! `violations CONFIG WORKDIR`: a small program with deliberate sandbox
//! violations, to show what `SANDBOXED_TRACE` reports (README, "Porting a
//! program"; asserted by `examples/tests/violations.rs`).
//!
//! It reads its preopened `config` correctly, then:
//! 1. opens `notes.txt` from the current directory (a global path);
//! 2. writes to `config`, which is read-only (missing right `CAP_WRITE`);
//! 3. connects a TCP socket (a new network endpoint);
//! 4. reads `/etc/localtime` late, three times (a global path again);
//! 5. opens `../escape.txt` beneath the preopened `work` directory (Landlock
//!    denies it; seen by `dry-run` only on Linux).
//!
//! Each step prints what the program saw; the sandbox answers with errors,
//! so the program runs to the end.

use std::io::{Read, Write};
use std::os::fd::OwnedFd;

use sandboxed::rights::{can, RightsMarker};
use sandboxed::{sandboxed, Dir, File};

#[sandboxed(
    preopen(config = file(arg(1)), work = dir(arg(2))),
    rights(config = [read, fstat], work = [lookup, read], stdio),
)]
fn main(config: File, work: Dir) {
    let mut text = String::new();
    show("read config", (&config).read_to_string(&mut text).map(drop));
    show("open notes.txt", open_from_cwd());
    show("write config", write_config(config));
    show("connect 127.0.0.1:9", connect_socket());
    for _ in 0..3 {
        show("read /etc/localtime", late_clock());
    }
    show("open ../escape.txt", escape(&work));
}

fn open_from_cwd() -> std::io::Result<()> {
    std::fs::read_to_string("notes.txt").map(drop)
}

fn write_config<R: RightsMarker>(config: File<R>) -> std::io::Result<()> {
    // As a library handed the raw descriptor would: the type system cannot
    // stop it, the sandbox does.
    let mut raw = std::fs::File::from(OwnedFd::from(config));
    raw.write_all(b"oops\n")
}

fn connect_socket() -> std::io::Result<()> {
    std::net::TcpStream::connect("127.0.0.1:9").map(drop)
}

fn late_clock() -> std::io::Result<()> {
    std::fs::read("/etc/localtime").map(drop)
}

fn escape<R: can::Lookup + can::Read>(work: &Dir<R>) -> std::io::Result<()> {
    work.open("../escape.txt").map(drop)
}

fn show(what: &str, result: std::io::Result<()>) {
    match result {
        Ok(()) => println!("{what}: ok"),
        Err(e) if sandboxed::is_violation(&e) => println!("{what}: denied ({e})"),
        Err(e) => println!("{what}: {e}"),
    }
}
