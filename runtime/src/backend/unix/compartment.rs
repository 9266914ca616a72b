//! The process primitive of compartments, the same on Linux and FreeBSD:
//! fork(2) with a pipe(2) back to the parent, every other descriptor closed
//! in the child (the backend's `close_from`: close_range(2) on Linux,
//! closefrom(2) on FreeBSD), and waitpid(2).

use std::fs::File;
use std::io;
use std::os::fd::{FromRawFd, RawFd};
use std::panic::{catch_unwind, AssertUnwindSafe};

/// How a child ended.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Exit {
    /// `_exit(code)`.
    Code(i32),
    /// Killed by this signal.
    Signal(i32),
}

/// A forked child, to be waited for.
#[derive(Debug)]
pub(crate) struct Child {
    pid: libc::pid_t,
}

/// The descriptor the child's end of the pipe is moved to.
const CHILD_PIPE: RawFd = 3;

/// Forks. The child keeps only stderr and the write end of a pipe (as
/// descriptor 3), runs `body` with it and `_exit`s with what `body`
/// returns, or 101 if it unwinds: the child never returns into the
/// parent's frames. The parent gets the child and the read end.
pub(crate) fn spawn(body: impl FnOnce(File) -> i32) -> io::Result<(Child, File)> {
    let mut fds = [-1; 2];
    // SAFETY: `fds` is a valid array of two ints for pipe2(2) to fill.
    if unsafe { libc::pipe2(fds.as_mut_ptr(), libc::O_CLOEXEC) } != 0 {
        return Err(io::Error::last_os_error());
    }
    let (read, write) = (fds[0], fds[1]);
    // SAFETY: fork(2) is async-signal-safe. The child runs Rust code, which
    // may allocate: the libcs (glibc, musl, FreeBSD's jemalloc) reset their
    // malloc locks in the child,
    // and a lock held by a thread that does not exist in the child can only
    // deadlock the child, never corrupt the parent, which waits for EOF on
    // the pipe. `compartment` documents that it should be called while
    // single-threaded.
    let pid = unsafe { libc::fork() };
    if pid < 0 {
        let e = io::Error::last_os_error();
        // SAFETY: both descriptors were just created by pipe2 and are ours.
        unsafe {
            libc::close(read);
            libc::close(write);
        }
        return Err(e);
    }
    if pid == 0 {
        let code = match isolate(write) {
            Ok(()) => {
                // SAFETY: `isolate` moved the pipe to CHILD_PIPE, which is
                // open and owned by nothing else in this process.
                let pipe = unsafe { File::from_raw_fd(CHILD_PIPE) };
                catch_unwind(AssertUnwindSafe(|| body(pipe))).unwrap_or(101)
            }
            Err(_) => 102,
        };
        // SAFETY: _exit(2) ends the child without running the parent's
        // atexit handlers or flushing its stdio buffers.
        unsafe { libc::_exit(code) }
    }
    // SAFETY: the parent owns `write` and closes it so that EOF on `read`
    // means the child is done; `read` is owned by the returned File.
    unsafe {
        libc::close(write);
        Ok((Child { pid }, File::from_raw_fd(read)))
    }
}

/// In the child: moves `write` to CHILD_PIPE and closes every other
/// descriptor but stderr, so that nothing the parent had open (preopens,
/// service channels) is reachable from the compartment.
fn isolate(write: RawFd) -> io::Result<()> {
    // SAFETY: plain descriptor calls on numbers this process owns; dup2
    // onto CHILD_PIPE closes whatever was there, which is intended.
    unsafe {
        if write != CHILD_PIPE {
            if libc::dup2(write, CHILD_PIPE) < 0 {
                return Err(io::Error::last_os_error());
            }
            libc::close(write);
        }
        libc::close(0);
        libc::close(1);
    }
    super::super::imp::close_from(CHILD_PIPE + 1)
}

impl Child {
    /// waitpid(2) until the child has ended.
    pub(crate) fn wait(self) -> io::Result<Exit> {
        let mut status = 0;
        loop {
            // SAFETY: `status` is a valid int; `pid` is our child, not yet
            // reaped (`wait` takes `self`).
            let r = unsafe { libc::waitpid(self.pid, &mut status, 0) };
            if r == self.pid {
                break;
            }
            let e = io::Error::last_os_error();
            if e.kind() != io::ErrorKind::Interrupted {
                return Err(e);
            }
        }
        Ok(if libc::WIFSIGNALED(status) {
            Exit::Signal(libc::WTERMSIG(status))
        } else {
            Exit::Code(libc::WEXITSTATUS(status))
        })
    }
}
