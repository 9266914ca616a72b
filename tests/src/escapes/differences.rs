//! Differences the Linux table documents (tests/tests/parity.rs checks them
//! against the table).

use std::io;

use super::calls::*;
use super::*;
use crate::sys::*;

pub(super) const CASES: &[(&str, Probe)] = &[
    ("fork_child_kill_self", |_| {
        in_child(|| {
            // SAFETY: SIG_IGN installs no handler code.
            unsafe { libc::signal(libc::SIGUSR1, libc::SIG_IGN) };
            // SAFETY: getpid(2) cannot fail.
            let me = unsafe { libc::getpid() };
            sys!(libc::kill(me, libc::SIGUSR1))?;
            Ok("signalled myself".into())
        })
    }),
    // capmode.cc AllowedMiscSyscalls: waitpid in capability mode is
    // ECAPMODE; a child is reaped through its process descriptor.
    ("wait4_child", |_| {
        let pid = exited_child()?;
        let mut status = 0;
        let r = sys!(libc::waitpid(pid, &mut status, 0))?;
        Ok(format!("reaped {r}"))
    }),
    ("wait4_any", |_| {
        exited_child()?;
        let mut status = 0;
        let r = sys!(libc::waitpid(-1, &mut status, 0))?;
        Ok(format!("reaped {r}"))
    }),
    ("waitid_pid_child", |_| {
        let pid = exited_child()?;
        // SAFETY: `siginfo_t` is plain old data.
        let mut info: libc::siginfo_t = unsafe { std::mem::zeroed() };
        sys!(libc::waitid(
            libc::P_PID,
            pid as libc::id_t,
            &mut info,
            libc::WEXITED
        ))?;
        Ok("reaped".into())
    }),
    ("waitid_all", |_| {
        exited_child()?;
        // SAFETY: `siginfo_t` is plain old data.
        let mut info: libc::siginfo_t = unsafe { std::mem::zeroed() };
        sys!(libc::waitid(libc::P_ALL, 0, &mut info, libc::WEXITED))?;
        Ok("reaped".into())
    }),
    ("pidfd_waitid_child", |_| {
        let (pid, pidfd) = pidfd_fork()?;
        if pid == 0 {
            // SAFETY: _exit(2) in the child of a raw clone.
            unsafe { libc::_exit(3) }
        }
        let end = pidfd_wait(pidfd);
        close(pidfd);
        match end? {
            End::Exited(3) => Ok("reaped through its pidfd".into()),
            other => Err(io::Error::other(format!("the child ended {other:?}"))),
        }
    }),
    ("pidfd_own_child_signal", |_| {
        // clone(CLONE_PIDFD): the pidfd of our own child, like pdfork(2).
        let (pid, pidfd) = pidfd_fork()?;
        if pid == 0 {
            // SAFETY: pause(2) then _exit(2) in the child of a raw clone;
            // the parent kills it.
            unsafe {
                libc::pause();
                libc::_exit(0)
            }
        }
        let sent = sys!(libc::syscall(
            libc::SYS_pidfd_send_signal,
            pidfd,
            libc::SIGKILL,
            0,
            0
        ));
        // Reaped through its pidfd, as pdwait reaps a pdfork(2) child.
        let end = pidfd_wait(pidfd);
        close(pidfd);
        sent?;
        match end? {
            End::Killed(libc::SIGKILL) => Ok("killed my child through its pidfd".into()),
            other => Err(io::Error::other(format!("the child ended {other:?}"))),
        }
    }),
    ("memfd_create", |_| {
        let fd = sys!(libc::memfd_create(c"probe".as_ptr(), libc::MFD_CLOEXEC))?;
        write_text(fd, "anonymous")
    }),
    ("narrowed_scm_rights_copy_write", |f| {
        let copy = pass_to_self(f.narrowed)?;
        write_text(copy, "escaped")
    }),
];

/// A child forked (fork(3)) that exits at once, and its pid.
fn exited_child() -> io::Result<libc::pid_t> {
    let pid = sys!(libc::fork())?;
    if pid == 0 {
        // SAFETY: _exit(2) in the forked child.
        unsafe { libc::_exit(0) }
    }
    Ok(pid)
}
