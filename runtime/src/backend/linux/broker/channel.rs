//! The program's end of a service channel: the contract's transport over
//! one `SOCK_SEQPACKET` socket to the broker, one request in flight at a
//! time. `fileargs` opens take a descriptor opened before entry or sent
//! ahead as a spare when there is one, without a round trip.

use std::io::{self, IoSliceMut};
use std::mem::MaybeUninit;
use std::os::fd::{AsFd, BorrowedFd, OwnedFd};
use std::os::unix::ffi::OsStrExt;
use std::path::Path;
use std::sync::{Mutex, PoisonError};

use rustix::io::Errno;
use rustix::net::{RecvAncillaryBuffer, RecvAncillaryMessage, RecvFlags, SendFlags};

use crate::services::contract::{Reply, Request, Transport};

use super::super::fds::{into_pool, release, try_into_pool, Pool, Refused};
use super::wire::{self, MAX_MESSAGE};

/// A channel to the broker for one service.
#[derive(Debug)]
pub(crate) struct Channel {
    socket: OwnedFd,
    /// The receive buffer; its lock keeps one request in flight per channel.
    buffer: Mutex<Vec<u8>>,
    /// `fileargs`: descriptors opened before entry or sent ahead, by name,
    /// each taken by the next open of its name.
    preopened: Mutex<Vec<(Vec<u8>, OwnedFd)>>,
    /// `fileargs`: the pool its descriptors are limited in as they arrive
    /// (fileargs(3) applies `cap_rights_limit` with the declared rights).
    pool: Option<Pool>,
}

impl Channel {
    pub(super) fn new(
        socket: OwnedFd,
        preopened: Vec<(Vec<u8>, OwnedFd)>,
        pool: Option<Pool>,
    ) -> Self {
        Channel {
            socket,
            buffer: Mutex::new(vec![0; MAX_MESSAGE + 1]),
            preopened: Mutex::new(preopened),
            pool,
        }
    }

    /// `fd` limited as the channel's descriptors are: moved into its pool.
    fn limited(&self, fd: OwnedFd) -> io::Result<OwnedFd> {
        match self.pool {
            Some(pool) => into_pool(fd, pool),
            None => Ok(fd),
        }
    }

    /// `fd`, the answer to the program's own open, limited into the
    /// channel's pool. When every number of the pool is in use, room is
    /// made by closing descriptors opened ahead (before entry, or spares),
    /// most recent first: the next open of their names asks the broker.
    /// So the descriptors opened ahead never take a number the program's
    /// opens need. `EMFILE` once the program itself holds every number.
    fn limited_making_room(&self, mut fd: OwnedFd) -> io::Result<OwnedFd> {
        let Some(pool) = self.pool else {
            return Ok(fd);
        };
        loop {
            match try_into_pool(fd, pool) {
                Ok(limited) => return Ok(limited),
                Err(Refused::Failed(e)) => return Err(e),
                Err(Refused::Full(back)) => {
                    let ahead = self
                        .preopened
                        .lock()
                        .unwrap_or_else(PoisonError::into_inner)
                        .pop();
                    let Some((_, ahead)) = ahead else {
                        release(back);
                        return Err(io::Error::from_raw_os_error(libc::EMFILE));
                    };
                    release(ahead);
                    fd = back;
                }
            }
        }
    }

    /// The descriptor of `path` opened before this open, if any.
    fn take_preopened(&self, path: &Path) -> Option<OwnedFd> {
        let name = path.as_os_str().as_bytes();
        let mut pre = self
            .preopened
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        let i = pre.iter().position(|(n, _)| n == name)?;
        Some(pre.swap_remove(i).1)
    }

    /// One round trip: the answer, and the descriptors that came with it
    /// beyond the reply's own (a `fileargs` open may bring a spare).
    fn round_trip(&self, request: &Request<'_>) -> io::Result<(Reply, Vec<OwnedFd>)> {
        let message = wire::encode(request).bytes;
        if message.len() > MAX_MESSAGE {
            return Err(io::Error::from_raw_os_error(libc::EMSGSIZE));
        }
        let mut buf = self.buffer.lock().unwrap_or_else(PoisonError::into_inner);
        loop {
            match rustix::net::send(&self.socket, &message, SendFlags::NOSIGNAL) {
                Ok(_) => break,
                Err(Errno::INTR) => continue,
                Err(e) => return Err(e.into()),
            }
        }
        let mut space = [MaybeUninit::uninit(); rustix::cmsg_space!(ScmRights(2))];
        let mut control = RecvAncillaryBuffer::new(&mut space);
        let msg = loop {
            match rustix::net::recvmsg(
                &self.socket,
                &mut [IoSliceMut::new(&mut buf)],
                &mut control,
                RecvFlags::CMSG_CLOEXEC,
            ) {
                Ok(msg) => break msg,
                Err(Errno::INTR) => continue,
                Err(e) => return Err(e.into()),
            }
        };
        let mut fds = Vec::new();
        for m in control.drain() {
            if let RecvAncillaryMessage::ScmRights(received) = m {
                fds.extend(received);
            }
        }
        if msg.bytes == 0 {
            // End of file: the broker is gone.
            return Err(io::Error::from_raw_os_error(libc::EPIPE));
        }
        let message = &buf[..msg.bytes.min(buf.len())];
        match wire::decode::<Result<Reply, i32>>(message, fds) {
            Ok((Ok(reply), spare)) => Ok((reply, spare)),
            Ok((Err(errno), _)) => Err(io::Error::from_raw_os_error(errno)),
            Err(_) => Err(io::Error::from_raw_os_error(libc::EIO)),
        }
    }
}

impl Transport for Channel {
    fn call(&self, request: Request<'_>) -> io::Result<Reply> {
        let opened = match request {
            Request::FileOpen { path } => path,
            _ => return self.round_trip(&request).map(|(reply, _)| reply),
        };
        if let Some(fd) = self.take_preopened(opened) {
            return Ok(Reply::Fd(fd));
        }
        let (reply, spare) = self.round_trip(&request)?;
        let Reply::Fd(fd) = reply else {
            return Ok(reply);
        };
        let fd = self.limited_making_room(fd)?;
        // A spare is limited as it arrives too, or dropped when the pool
        // is full (the next open asks the broker): it never makes room.
        if let Some(spare) = spare.into_iter().next().and_then(|s| self.limited(s).ok()) {
            self.preopened
                .lock()
                .unwrap_or_else(PoisonError::into_inner)
                .push((opened.as_os_str().as_bytes().to_vec(), spare));
        }
        Ok(Reply::Fd(fd))
    }

    fn socket(&self) -> Option<BorrowedFd<'_>> {
        Some(self.socket.as_fd())
    }
}
