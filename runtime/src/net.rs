//! Preopened sockets: a listening TCP or Unix socket, or a connected one,
//! made before entry (socket(2), bind(2), listen(2) or connect(2)) and
//! limited to their rights like any preopen.
//!
//! Capability mode refuses new network endpoints (cap_enter(2): `bind`
//! and `connect` name global addresses), so a server declares the socket
//! it listens on, and a client the one it talks through. Inside, the
//! declared socket works and nothing else can be bound or connected.
//!
//! The handles carry their rights in their type, as [`File`](crate::File)
//! does: [`TcpListener::accept`] needs `accept`, reading a stream `recv`
//! (= `read`), writing it `send` (= `write`), [`TcpStream::shutdown`]
//! `shutdown`, `local_addr` `getsockname`, `peer_addr` `getpeername`.
//! A connection accepted on a listener holds the listener's rights
//! (Capsicum's kern_accept4 copies the listening descriptor's
//! `filecaps` onto it), so `accept` returns a stream with the listener's
//! rights marker.
//!
//! Each handle gives up its type for std's ([`TcpListener::into_std`])
//! and implements `AsFd`, so async runtimes take it as they take std's:
//! `tokio::net::TcpListener::from_std(listener.into_std())`, with the
//! socket declared `nonblocking` (tokio's `from_std` expects it so).

use std::ffi::{OsStr, OsString};
use std::fmt;
use std::io::{self, IoSlice, IoSliceMut, Read, Write};
use std::marker::PhantomData;
use std::net::{Shutdown, SocketAddr, ToSocketAddrs};
use std::os::fd::{AsFd, AsRawFd, BorrowedFd, OwnedFd, RawFd};
use std::path::Path;

use crate::decl::{Kind, Preopen};
use crate::rights::{can, Limit, Limited, RightSet, RightsMarker, Within};
use crate::Unknown;

/// The queue length of a listening socket without `backlog = N`: std's
/// (`TcpListener::bind`, `UnixListener::bind`).
const DEFAULT_BACKLOG: i32 = 128;

/// Step 2 for a socket preopen: `address` is `HOST:PORT` for TCP (each
/// address it resolves to is tried in turn, as std's `bind` and
/// `connect` do), a path for a Unix socket.
pub(crate) fn open_socket(preopen: &Preopen, address: &Path) -> io::Result<OwnedFd> {
    let flags = &preopen.flags;
    let backlog = match flags.backlog {
        0 => DEFAULT_BACKLOG,
        n => i32::try_from(n).unwrap_or(i32::MAX),
    };
    let fd = match preopen.kind {
        Kind::TcpListener | Kind::TcpStream => {
            let text = address.to_str().ok_or_else(|| {
                io::Error::new(io::ErrorKind::InvalidInput, "the address is not UTF-8")
            })?;
            let mut last = io::Error::new(
                io::ErrorKind::InvalidInput,
                "the address resolves to nothing",
            );
            let mut opened = None;
            for addr in text.to_socket_addrs()? {
                match tcp(preopen.kind, addr, backlog) {
                    Ok(fd) => {
                        opened = Some(fd);
                        break;
                    }
                    Err(e) => last = e,
                }
            }
            opened.ok_or(last)?
        }
        Kind::UnixListener => {
            let listener = std::os::unix::net::UnixListener::bind(address)?;
            let fd = OwnedFd::from(listener);
            // std listens with its own backlog; listen(2) again sets ours.
            rustix::net::listen(&fd, backlog)?;
            fd
        }
        Kind::UnixStream => std::os::unix::net::UnixStream::connect(address)?.into(),
        Kind::File | Kind::Dir | Kind::Files => {
            return Err(io::Error::from(io::ErrorKind::InvalidInput))
        }
    };
    if flags.nonblocking {
        rustix::io::ioctl_fionbio(&fd, true)?;
    }
    Ok(fd)
}

/// A TCP socket bound to `addr` and listening, or connected to it.
fn tcp(kind: Kind, addr: SocketAddr, backlog: i32) -> io::Result<OwnedFd> {
    use rustix::net::{AddressFamily, SocketFlags, SocketType};
    let family = match addr {
        SocketAddr::V4(_) => AddressFamily::INET,
        SocketAddr::V6(_) => AddressFamily::INET6,
    };
    let fd = rustix::net::socket_with(family, SocketType::STREAM, SocketFlags::CLOEXEC, None)?;
    if kind == Kind::TcpListener {
        // As std's `TcpListener::bind`: a restarted server can bind the
        // port of connections still in TIME_WAIT.
        rustix::net::sockopt::set_socket_reuseaddr(&fd, true)?;
        rustix::net::bind(&fd, &addr)?;
        rustix::net::listen(&fd, backlog)?;
    } else {
        rustix::net::connect(&fd, &addr)?;
    }
    Ok(fd)
}

/// What a socket's `{ expr }` source may be: an address
/// (`SocketAddr`, `(IpAddr, u16)`), text (`"127.0.0.1:8080"`,
/// `"localhost:80"`) or, for a Unix socket, a path.
#[diagnostic::on_unimplemented(
    message = "`{Self}` is not a socket address",
    note = "a socket's `{{ expr }}` source is a `SocketAddr`, an `(IpAddr, u16)`, a string `HOST:PORT`, or a path for a Unix socket"
)]
pub trait SocketSource {
    /// The address as text: `HOST:PORT`, or a path.
    fn socket_text(&self) -> OsString;
}

macro_rules! text_sources {
    ($($t:ty),*) => {$(
        impl SocketSource for $t {
            fn socket_text(&self) -> OsString {
                AsRef::<OsStr>::as_ref(self).to_owned()
            }
        }
    )*};
}
text_sources!(str, String, OsStr, OsString, Path, std::path::PathBuf);

macro_rules! address_sources {
    ($($t:ty),*) => {$(
        impl SocketSource for $t {
            fn socket_text(&self) -> OsString {
                self.to_string().into()
            }
        }
    )*};
}
address_sources!(SocketAddr, std::net::SocketAddrV4, std::net::SocketAddrV6);

impl<I: Into<std::net::IpAddr> + Copy> SocketSource for (I, u16) {
    fn socket_text(&self) -> OsString {
        SocketAddr::from((self.0.into(), self.1)).to_string().into()
    }
}

impl<T: SocketSource + ?Sized> SocketSource for &T {
    fn socket_text(&self) -> OsString {
        (**self).socket_text()
    }
}

/// The text of a socket's `{ expr }` source, for generated code.
pub fn socket_source(value: &impl SocketSource) -> OsString {
    value.socket_text()
}

/// A handle made from a preopened socket's descriptor (step 7).
pub trait FromPreopen {
    /// Wraps `fd`, whose kernel-side rights are (at most) the marker's.
    fn from_preopen(fd: OwnedFd) -> Self;
}

macro_rules! socket_handle {
    ($(#[$doc:meta])* $name:ident, $std:ty) => {
        $(#[$doc])*
        pub struct $name<R: RightsMarker = Unknown> {
            inner: $std,
            rights: PhantomData<fn() -> R>,
        }

        impl<R: RightsMarker> $name<R> {
            fn wrap(inner: $std) -> Self {
                $name {
                    inner,
                    rights: PhantomData,
                }
            }

            /// The rights this handle was declared with.
            pub const fn rights(&self) -> RightSet {
                R::RIGHTS
            }

            /// The socket as std's type, for an async runtime's
            /// `from_std` or any API that takes std's: the compile-time
            /// rights are gone, the kernel's stay.
            pub fn into_std(self) -> $std {
                self.inner
            }

            /// Forgets the compile-time rights; the kernel-side rights stay.
            pub fn erase(self) -> $name<Unknown> {
                $name::wrap(self.inner)
            }

            /// Limits this socket to the rights set `N` of `limits(...)`,
            /// for good (cap_rights_limit(2),
            /// [`rights::limit`](crate::rights::limit)): compiles only
            /// where `N` holds nothing this socket lacks.
            pub fn limit<N: Within<R>>(self) -> io::Result<$name<N>> {
                let limited = crate::rights::limit::<N>(OwnedFd::from(self.inner))?;
                Ok($name::from(limited))
            }
        }

        impl<N: Limit> From<Limited<N>> for $name<N> {
            fn from(limited: Limited<N>) -> $name<N> {
                $name::wrap(<$std>::from(limited.into_fd()))
            }
        }

        impl<R: RightsMarker> FromPreopen for $name<R> {
            fn from_preopen(fd: OwnedFd) -> Self {
                $name::wrap(<$std>::from(fd))
            }
        }

        impl<R: RightsMarker> fmt::Debug for $name<R> {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.debug_struct(stringify!($name))
                    .field("fd", &self.inner.as_raw_fd())
                    .field("declared", &R::NAME)
                    .field("rights", &R::RIGHTS)
                    .finish()
            }
        }

        impl<R: RightsMarker> AsFd for $name<R> {
            fn as_fd(&self) -> BorrowedFd<'_> {
                self.inner.as_fd()
            }
        }

        impl<R: RightsMarker> AsRawFd for $name<R> {
            fn as_raw_fd(&self) -> RawFd {
                self.inner.as_raw_fd()
            }
        }

        impl<R: RightsMarker> From<$name<R>> for OwnedFd {
            fn from(s: $name<R>) -> OwnedFd {
                s.inner.into()
            }
        }
    };
}

socket_handle!(
    /// A preopened listening TCP socket whose rights are `R`
    /// (`tcp_listener(...)`).
    TcpListener,
    std::net::TcpListener
);
socket_handle!(
    /// A preopened connected TCP socket whose rights are `R`
    /// (`tcp_stream(...)`), or a connection accepted on a
    /// [`TcpListener`].
    TcpStream,
    std::net::TcpStream
);
socket_handle!(
    /// A preopened listening Unix stream socket whose rights are `R`
    /// (`unix_listener(...)`).
    UnixListener,
    std::os::unix::net::UnixListener
);
socket_handle!(
    /// A preopened connected Unix stream socket whose rights are `R`
    /// (`unix_stream(...)`), or a connection accepted on a
    /// [`UnixListener`].
    UnixStream,
    std::os::unix::net::UnixStream
);

impl<R: RightsMarker> TcpListener<R> {
    /// accept(2): the next connection, holding this listener's rights, and
    /// its peer's address.
    pub fn accept(&self) -> io::Result<(TcpStream<R>, SocketAddr)>
    where
        R: can::Accept,
    {
        let (stream, addr) = self.inner.accept()?;
        Ok((TcpStream::wrap(stream), addr))
    }

    /// getsockname(2): the address the socket is bound to (the port the
    /// system chose for `:0`).
    pub fn local_addr(&self) -> io::Result<SocketAddr>
    where
        R: can::Getsockname,
    {
        self.inner.local_addr()
    }
}

impl<R: RightsMarker> UnixListener<R> {
    /// accept(2): the next connection, holding this listener's rights, and
    /// its peer's address.
    pub fn accept(&self) -> io::Result<(UnixStream<R>, std::os::unix::net::SocketAddr)>
    where
        R: can::Accept,
    {
        let (stream, addr) = self.inner.accept()?;
        Ok((UnixStream::wrap(stream), addr))
    }

    /// getsockname(2): the path the socket is bound to.
    pub fn local_addr(&self) -> io::Result<std::os::unix::net::SocketAddr>
    where
        R: can::Getsockname,
    {
        self.inner.local_addr()
    }
}

impl<R: RightsMarker> TcpStream<R> {
    /// getsockname(2).
    pub fn local_addr(&self) -> io::Result<SocketAddr>
    where
        R: can::Getsockname,
    {
        self.inner.local_addr()
    }

    /// getpeername(2).
    pub fn peer_addr(&self) -> io::Result<SocketAddr>
    where
        R: can::Getpeername,
    {
        self.inner.peer_addr()
    }

    /// shutdown(2) of one or both directions.
    pub fn shutdown(&self, how: Shutdown) -> io::Result<()>
    where
        R: can::Shutdown,
    {
        self.inner.shutdown(how)
    }

    /// `TCP_NODELAY` (setsockopt(2)).
    pub fn set_nodelay(&self, on: bool) -> io::Result<()>
    where
        R: can::Setsockopt,
    {
        self.inner.set_nodelay(on)
    }
}

impl<R: RightsMarker> UnixStream<R> {
    /// getpeername(2).
    pub fn peer_addr(&self) -> io::Result<std::os::unix::net::SocketAddr>
    where
        R: can::Getpeername,
    {
        self.inner.peer_addr()
    }

    /// shutdown(2) of one or both directions.
    pub fn shutdown(&self, how: Shutdown) -> io::Result<()>
    where
        R: can::Shutdown,
    {
        self.inner.shutdown(how)
    }
}

macro_rules! stream_io {
    ($name:ident) => {
        impl<R: can::Read> Read for $name<R> {
            fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
                self.inner.read(buf)
            }
            fn read_vectored(&mut self, bufs: &mut [IoSliceMut<'_>]) -> io::Result<usize> {
                self.inner.read_vectored(bufs)
            }
        }

        impl<R: can::Read> Read for &$name<R> {
            fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
                (&self.inner).read(buf)
            }
        }

        impl<R: can::Write> Write for $name<R> {
            fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
                self.inner.write(buf)
            }
            fn write_vectored(&mut self, bufs: &[IoSlice<'_>]) -> io::Result<usize> {
                self.inner.write_vectored(bufs)
            }
            fn flush(&mut self) -> io::Result<()> {
                Ok(())
            }
        }

        impl<R: can::Write> Write for &$name<R> {
            fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
                (&self.inner).write(buf)
            }
            fn flush(&mut self) -> io::Result<()> {
                Ok(())
            }
        }
    };
}
stream_io!(TcpStream);
stream_io!(UnixStream);
