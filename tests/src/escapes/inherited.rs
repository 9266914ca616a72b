//! The attempts of promise 6: the promises hold for every thread and child.

use std::io;

use super::calls::*;
use super::*;
use crate::sys::*;

pub(super) const CASES: &[(&str, Probe)] = &[
    ("thread_open_absolute", |_| {
        std::thread::spawn(|| open_read(libc::AT_FDCWD, &world("outside/secret.txt")))
            .join()
            .map_err(|_| io::Error::other("thread panicked"))?
    }),
    ("fork_child_open_absolute", |_| {
        in_child(|| open_read(libc::AT_FDCWD, &world("outside/secret.txt")))
    }),
    ("fork_child_connect", |_| {
        in_child(|| {
            let fd = socket(libc::AF_INET, libc::SOCK_STREAM, 0)?;
            connect_inet(fd, port_env("ESCAPE_TCP_PORT"))
        })
    }),
    ("fork_child_narrowed_write", |f| {
        let fd = f.narrowed;
        in_child(move || write_text(fd, "escaped"))
    }),
    ("clone_newuser", |_| {
        let pid = sys!(libc::syscall(
            libc::SYS_clone,
            libc::CLONE_NEWUSER | libc::SIGCHLD,
            0,
            0,
            0,
            0
        ))?;
        if pid == 0 {
            // SAFETY: _exit(2) in the child of a raw clone.
            unsafe { libc::_exit(0) }
        }
        Ok("cloned into a new user namespace".into())
    }),
    ("clone3", |_| {
        let args = [0u64; 11]; // struct clone_args, flags 0
        let pid = sys!(libc::syscall(
            libc::SYS_clone3,
            args.as_ptr(),
            std::mem::size_of_val(&args)
        ))?;
        if pid == 0 {
            // SAFETY: _exit(2) in the child of a raw clone3.
            unsafe { libc::_exit(0) }
        }
        Ok("clone3".into())
    }),
    ("vfork_execve", |_| in_child(execve_true)),
    // positive twins
    ("thread_works", |f| {
        let ro = f.ro;
        std::thread::spawn(move || read_text(ro))
            .join()
            .map_err(|_| io::Error::other("thread panicked"))?
    }),
    ("fork_child_works", |_| {
        let [r, w] = pipe()?;
        in_child(move || write_text(w, "from the child"))?;
        read_text(r)
    }),
];
