//! Open flags, and the rights a preopen gets from them when its
//! declaration names none.

use crate::{words, Fcntl, Right, RightSet};

words! {
    /// What a preopen opens: the word before its source in `preopen(...)`.
    /// Its Rust name is the variant the generated code names.
    pub enum PreopenKind {
        /// One file: `file(...)`.
        File = "file",
        /// One directory: `dir(...)`.
        Dir = "dir",
        /// Many files: `files(args(N..), ...)` gives a `Vec<File>`.
        Files = "files",
        /// A listening TCP socket: `tcp_listener("HOST:PORT")`.
        TcpListener = "tcp_listener",
        /// A listening Unix stream socket: `unix_listener("/path")`.
        UnixListener = "unix_listener",
        /// A connected TCP socket: `tcp_stream("HOST:PORT")`.
        TcpStream = "tcp_stream",
        /// A connected Unix stream socket: `unix_stream("/path")`.
        UnixStream = "unix_stream",
    }
}

impl PreopenKind {
    /// One of the socket kinds: its source is an address (TCP) or a
    /// socket's path (Unix).
    pub const fn is_socket(self) -> bool {
        !matches!(
            self,
            PreopenKind::File | PreopenKind::Dir | PreopenKind::Files
        )
    }

    /// A TCP socket: its source is `HOST:PORT`.
    pub const fn is_tcp(self) -> bool {
        matches!(self, PreopenKind::TcpListener | PreopenKind::TcpStream)
    }

    /// A listening socket.
    pub const fn is_listener(self) -> bool {
        matches!(self, PreopenKind::TcpListener | PreopenKind::UnixListener)
    }

    /// The handle's type: `File` (for each of `files` too), `Dir`,
    /// `TcpListener`...
    pub const fn type_name(self) -> &'static str {
        match self {
            PreopenKind::File | PreopenKind::Files => "File",
            PreopenKind::Dir => "Dir",
            PreopenKind::TcpListener => "TcpListener",
            PreopenKind::UnixListener => "UnixListener",
            PreopenKind::TcpStream => "TcpStream",
            PreopenKind::UnixStream => "UnixStream",
        }
    }
}

/// How a preopen (or each file of `fileargs`) is opened: the flags of
/// `file(...)` and `dir(...)`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct OpenFlags {
    /// `read` (the default when neither `write` nor `append` is given).
    pub read: bool,
    /// `write`.
    pub write: bool,
    /// `append`.
    pub append: bool,
    /// `create`: `O_CREAT` for files, mkdir for directories.
    pub create: bool,
    /// `truncate`: `O_TRUNC`.
    pub truncate: bool,
    /// `exclusive`: `O_EXCL`.
    pub exclusive: bool,
    /// `mode = 0o644` for created files and directories.
    pub mode: u32,
    /// `optional`: a missing file gives `None` instead of an error.
    pub optional: bool,
    /// `dash`: the path `-` names the standard stream (stdin when reading,
    /// stdout when writing) instead of a file called `-`.
    pub dash: bool,
    /// `fallible`: a path that cannot be opened is handed to the body as
    /// that operand's error (`sandboxed::Operand`) instead of stopping
    /// the setup.
    pub fallible: bool,
    /// `nonblocking`: a socket is made non-blocking (`O_NONBLOCK`) before
    /// entry, as an async runtime wants it (tokio's `from_std`).
    pub nonblocking: bool,
    /// `backlog = N`: the length of a listening socket's queue of pending
    /// connections (listen(2)); 0 for the default, 128 as std's.
    pub backlog: u32,
}

impl OpenFlags {
    /// Read-only, the default.
    pub const READ: OpenFlags = OpenFlags {
        read: true,
        write: false,
        append: false,
        create: false,
        truncate: false,
        exclusive: false,
        mode: 0o666,
        optional: false,
        dash: false,
        fallible: false,
        nonblocking: false,
        backlog: 0,
    };
}

impl Default for OpenFlags {
    fn default() -> Self {
        OpenFlags::READ
    }
}

/// The smallest rights a file opened with `flags` needs, following the
/// open-flag rules of rights(4) and openat(2): reading needs `read`,
/// writing `write` (and `seek` unless `append`: `CAP_PWRITE` is what
/// openat(2) asks for `O_WRONLY` without `O_APPEND`), `truncate` needs
/// `ftruncate` (`O_TRUNC`); plus `fstat`, since std and most libcs fstat an
/// open file to size their buffers, and `seek` with `read`.
pub const fn default_file_rights(flags: &OpenFlags) -> RightSet {
    let mut set = Right::Fstat.set();
    if flags.read {
        set = set.union(Right::Read.set()).union(Right::Seek.set());
    }
    if flags.write || flags.append {
        set = set.union(Right::Write.set());
        if !flags.append {
            set = set.union(Right::Seek.set());
        }
    }
    if flags.truncate {
        set = set.union(Right::Ftruncate.set());
    }
    set
}

/// The smallest rights a preopened directory needs to be useful: `lookup`
/// to open beneath it, `fstat`, and `read` to list it.
pub const DEFAULT_DIR_RIGHTS: RightSet = RightSet::of(&[Right::Lookup, Right::Read, Right::Fstat]);

/// The rights a listening socket gets when its declaration names none:
/// `accept` and what serving the connections needs, since a connection
/// accepted on a socket holds the listening socket's rights (Capsicum:
/// kern_accept4 gives the new descriptor the listener's `filecaps`):
/// `recv`, `send`, `shutdown`, `getpeername`, `getsockname`,
/// `getsockopt`, `setsockopt`, `event` (poll(2), kqueue, epoll),
/// `fstat`, and `fcntl` narrowed to [`DEFAULT_SOCKET_FCNTLS`]. Not
/// `bind`, `connect` nor `listen`: the socket is bound and listening
/// before entry.
pub const DEFAULT_LISTENER_RIGHTS: RightSet =
    DEFAULT_STREAM_RIGHTS.union(RightSet::of(&[Right::Accept]));

/// The rights a connected socket gets when its declaration names none:
/// those of a listener, without `accept`.
pub const DEFAULT_STREAM_RIGHTS: RightSet = RightSet::of(&[
    Right::Recv,
    Right::Send,
    Right::Shutdown,
    Right::Getpeername,
    Right::Getsockname,
    Right::Getsockopt,
    Right::Setsockopt,
    Right::Event,
    Right::Fstat,
    Right::Fcntl,
]);

/// The `fcntl` commands a socket's default rights allow: `F_GETFL`, with
/// which async runtimes check that a socket handed to them is
/// non-blocking (tokio's `from_std`).
pub const DEFAULT_SOCKET_FCNTLS: &[Fcntl] = &[Fcntl::Getfl];

/// The rights that mean something on a socket (rights(4)): the socket
/// rights (`sock_server`, `sock_client`, `accept`...), `read` and
/// `write` (`recv` and `send`), `event`, `fstat`, `fcntl`, `ioctl`. The
/// others act on files or directories.
pub const SOCKET_RIGHTS: RightSet = RightSet::of(&[
    Right::SockServer,
    Right::SockClient,
    Right::Event,
    Right::Fstat,
    Right::Fcntl,
    Right::Ioctl,
]);

#[cfg(test)]
mod tests {
    use super::*;

    fn flags(read: bool, write: bool, append: bool, truncate: bool) -> OpenFlags {
        OpenFlags {
            read,
            write,
            append,
            truncate,
            ..OpenFlags::READ
        }
    }

    #[test]
    fn defaults_follow_the_open_flags() {
        let of = RightSet::of;
        use Right::*;
        assert_eq!(
            default_file_rights(&OpenFlags::READ),
            of(&[Fstat, Read, Seek])
        );
        assert_eq!(
            default_file_rights(&flags(false, false, true, false)),
            of(&[Fstat, Write])
        );
        assert_eq!(
            default_file_rights(&flags(false, true, false, false)),
            of(&[Fstat, Write, Seek])
        );
        assert_eq!(
            default_file_rights(&flags(false, true, false, true)),
            of(&[Fstat, Write, Seek, Ftruncate])
        );
        assert_eq!(DEFAULT_DIR_RIGHTS, of(&[Lookup, Read, Fstat]));
    }

    #[test]
    fn socket_defaults_are_socket_rights() {
        assert!(SOCKET_RIGHTS.contains(DEFAULT_LISTENER_RIGHTS));
        assert!(DEFAULT_LISTENER_RIGHTS.contains(DEFAULT_STREAM_RIGHTS));
        assert!(!DEFAULT_STREAM_RIGHTS.allows(Right::Accept));
        for r in [
            Right::Bind,
            Right::Connect,
            Right::Listen,
            Right::Seek,
            Right::Lookup,
        ] {
            assert!(!DEFAULT_LISTENER_RIGHTS.allows(r), "{r}");
        }
        assert!(!SOCKET_RIGHTS.allows(Right::Seek));
        assert!(!SOCKET_RIGHTS.allows(Right::Lookup));
    }
}
