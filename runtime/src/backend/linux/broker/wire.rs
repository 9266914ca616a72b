//! The broker's message format: one request or one answer of the service
//! contract (`services/contract.rs`) per `SOCK_SEQPACKET` message: its
//! number, then its fields in the contract's order, little-endian, each
//! variable-length field length-prefixed; a descriptor travels beside the
//! message as `SCM_RIGHTS`. The messages are expanded from the contract's
//! lists, so a new operation needs nothing here; a new field type needs
//! its [`Field`] impl.
//!
//! Decoding is total: any byte sequence gives a value or [`Malformed`],
//! never a panic, and never allocates more than the message's own length
//! (a count is checked against the bytes left before anything is read).

use std::ffi::OsStr;
use std::os::fd::{AsFd, BorrowedFd, OwnedFd};
use std::os::unix::ffi::{OsStrExt, OsStringExt};
use std::path::{Path, PathBuf};

use crate::services::contract::{replies, requests, Reply, Request};

/// Largest request or answer, in bytes: a path of `PATH_MAX`, a syslog line
/// of a few kilobytes and a password database of a few hundred entries fit.
pub(crate) const MAX_MESSAGE: usize = 64 * 1024;

/// A message that does not decode.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Malformed;

type Result<T> = std::result::Result<T, Malformed>;

/// A message being written, and the descriptors to send beside it.
#[derive(Debug, Default)]
pub(crate) struct Writer<'w> {
    pub(crate) bytes: Vec<u8>,
    pub(crate) fds: Vec<BorrowedFd<'w>>,
}

impl Writer<'_> {
    fn u8(&mut self, v: u8) {
        self.bytes.push(v);
    }
    fn len(&mut self, n: usize) {
        // Longer lists cannot fit a message; the length check on the whole
        // message refuses them, so saturating here only keeps this total.
        self.put_le(u32::try_from(n).unwrap_or(u32::MAX).to_le_bytes());
    }
    fn put_le<const N: usize>(&mut self, bytes: [u8; N]) {
        self.bytes.extend_from_slice(&bytes);
    }
    fn raw(&mut self, v: &[u8]) {
        self.len(v.len());
        self.bytes.extend_from_slice(v);
    }
}

/// A message being read, and the descriptors that came beside it.
#[derive(Debug)]
pub(crate) struct Reader<'a> {
    rest: &'a [u8],
    fds: Vec<OwnedFd>,
}

impl<'a> Reader<'a> {
    pub(crate) fn new(message: &'a [u8], fds: Vec<OwnedFd>) -> Self {
        Reader { rest: message, fds }
    }
    fn take(&mut self, n: usize) -> Result<&'a [u8]> {
        if n > self.rest.len() {
            return Err(Malformed);
        }
        let (head, rest) = self.rest.split_at(n);
        self.rest = rest;
        Ok(head)
    }
    fn array<const N: usize>(&mut self) -> Result<[u8; N]> {
        self.take(N)?.try_into().map_err(|_| Malformed)
    }
    fn u8(&mut self) -> Result<u8> {
        Ok(self.array::<1>()?[0])
    }
    fn raw(&mut self) -> Result<&'a [u8]> {
        let n = u32::get(self)? as usize;
        self.take(n)
    }
    /// A count of items, each at least `min` bytes long: bounded by what
    /// is left, so a forged count cannot make us allocate.
    fn count(&mut self, min: usize) -> Result<usize> {
        let n = u32::get(self)? as usize;
        if n.saturating_mul(min.max(1)) > self.rest.len() {
            return Err(Malformed);
        }
        Ok(n)
    }
    /// `value` if every byte was read; the descriptors left over.
    pub(crate) fn finish<T>(self, value: T) -> Result<(T, Vec<OwnedFd>)> {
        if self.rest.is_empty() {
            Ok((value, self.fds))
        } else {
            Err(Malformed)
        }
    }
}

/// A value as the messages spell it.
pub(crate) trait Field<'a>: Sized {
    /// The fewest bytes it takes, which bounds the count of a list.
    const MIN: usize;
    fn put<'w>(&'w self, w: &mut Writer<'w>);
    fn get(r: &mut Reader<'a>) -> Result<Self>;
    /// A list of `n`: one at a time, but bytes at once.
    fn get_list(r: &mut Reader<'a>, n: usize) -> Result<Vec<Self>> {
        (0..n).map(|_| Self::get(r)).collect()
    }
}

macro_rules! number {
    ($($t:ty),*) => {$(
        impl Field<'_> for $t {
            const MIN: usize = std::mem::size_of::<$t>();
            fn put<'w>(&'w self, w: &mut Writer<'w>) {
                w.put_le(self.to_le_bytes());
            }
            fn get(r: &mut Reader<'_>) -> Result<Self> {
                Ok(<$t>::from_le_bytes(r.array()?))
            }
        }
    )*};
}
number!(u16, u32, i32, u64, i64);

impl Field<'_> for u8 {
    const MIN: usize = 1;
    fn put<'w>(&'w self, w: &mut Writer<'w>) {
        w.u8(*self);
    }
    fn get(r: &mut Reader<'_>) -> Result<Self> {
        r.u8()
    }
    fn get_list(r: &mut Reader<'_>, n: usize) -> Result<Vec<Self>> {
        r.take(n).map(<[u8]>::to_vec)
    }
}

impl Field<'_> for () {
    const MIN: usize = 0;
    fn put<'w>(&'w self, _: &mut Writer<'w>) {}
    fn get(_: &mut Reader<'_>) -> Result<Self> {
        Ok(())
    }
}

impl<'a, T: Field<'a>> Field<'a> for Vec<T> {
    const MIN: usize = 4;
    fn put<'w>(&'w self, w: &mut Writer<'w>) {
        w.len(self.len());
        for item in self {
            item.put(w);
        }
    }
    fn get(r: &mut Reader<'a>) -> Result<Self> {
        let n = r.count(T::MIN)?;
        T::get_list(r, n)
    }
}

impl<'a, A: Field<'a>, B: Field<'a>> Field<'a> for (A, B) {
    const MIN: usize = A::MIN + B::MIN;
    fn put<'w>(&'w self, w: &mut Writer<'w>) {
        self.0.put(w);
        self.1.put(w);
    }
    fn get(r: &mut Reader<'a>) -> Result<Self> {
        Ok((A::get(r)?, B::get(r)?))
    }
}

impl<'a> Field<'a> for &'a [u8] {
    const MIN: usize = 4;
    fn put<'w>(&'w self, w: &mut Writer<'w>) {
        w.raw(self);
    }
    fn get(r: &mut Reader<'a>) -> Result<Self> {
        r.raw()
    }
}

impl<'a> Field<'a> for &'a str {
    const MIN: usize = 4;
    fn put<'w>(&'w self, w: &mut Writer<'w>) {
        w.raw(self.as_bytes());
    }
    fn get(r: &mut Reader<'a>) -> Result<Self> {
        std::str::from_utf8(r.raw()?).map_err(|_| Malformed)
    }
}

impl Field<'_> for String {
    const MIN: usize = 4;
    fn put<'w>(&'w self, w: &mut Writer<'w>) {
        w.raw(self.as_bytes());
    }
    fn get(r: &mut Reader<'_>) -> Result<Self> {
        <&str>::get(r).map(str::to_owned)
    }
}

impl<'a> Field<'a> for &'a Path {
    const MIN: usize = 4;
    fn put<'w>(&'w self, w: &mut Writer<'w>) {
        w.raw(self.as_os_str().as_bytes());
    }
    fn get(r: &mut Reader<'a>) -> Result<Self> {
        Ok(Path::new(OsStr::from_bytes(r.raw()?)))
    }
}

impl Field<'_> for PathBuf {
    const MIN: usize = 4;
    fn put<'w>(&'w self, w: &mut Writer<'w>) {
        w.raw(self.as_os_str().as_bytes());
    }
    fn get(r: &mut Reader<'_>) -> Result<Self> {
        Ok(PathBuf::from(std::ffi::OsString::from_vec(
            r.raw()?.to_vec(),
        )))
    }
}

/// A present value after a 1, an absent one as a 0.
macro_rules! optional {
    ($($t:ty),*) => {$(
        impl Field<'_> for Option<$t> {
            const MIN: usize = 1;
            fn put<'w>(&'w self, w: &mut Writer<'w>) {
                match self {
                    None => w.u8(0),
                    Some(v) => {
                        w.u8(1);
                        v.put(w);
                    }
                }
            }
            fn get(r: &mut Reader<'_>) -> Result<Self> {
                match r.u8()? {
                    0 => Ok(None),
                    1 => <$t>::get(r).map(Some),
                    _ => Err(Malformed),
                }
            }
        }
    )*};
}
optional!(String, u32);

/// The descriptor that came beside the message (the next one, for a
/// message that carries several).
impl Field<'_> for OwnedFd {
    const MIN: usize = 0;
    fn put<'w>(&'w self, w: &mut Writer<'w>) {
        w.fds.push(self.as_fd());
    }
    fn get(r: &mut Reader<'_>) -> Result<Self> {
        if r.fds.is_empty() {
            return Err(Malformed);
        }
        Ok(r.fds.remove(0))
    }
}

/// A request: its number, then its fields in the contract's order.
macro_rules! request_codec {
    ($($(#[$doc:meta])* $code:literal $variant:ident { $($field:ident: $ty:ty),* $(,)? },)*) => {
        impl<'a> Field<'a> for Request<'a> {
            const MIN: usize = 1;
            fn put<'w>(&'w self, w: &mut Writer<'w>) {
                match self {
                    $(Request::$variant { $($field),* } => {
                        w.u8($code);
                        $($field.put(w);)*
                    })*
                }
            }
            fn get(r: &mut Reader<'a>) -> Result<Self> {
                Ok(match r.u8()? {
                    $($code => Request::$variant { $($field: Field::get(r)?),* },)*
                    _ => return Err(Malformed),
                })
            }
        }
    };
}
requests!(request_codec);

/// A reply: its number, then its value.
macro_rules! reply_codec {
    ($($(#[$doc:meta])* $code:literal $variant:ident($ty:ty),)*) => {
        impl Field<'_> for Reply {
            const MIN: usize = 1;
            fn put<'w>(&'w self, w: &mut Writer<'w>) {
                match self {
                    $(Reply::$variant(value) => {
                        w.u8($code);
                        value.put(w);
                    })*
                }
            }
            fn get(r: &mut Reader<'_>) -> Result<Self> {
                Ok(match r.u8()? {
                    $($code => Reply::$variant(Field::get(r)?),)*
                    _ => return Err(Malformed),
                })
            }
        }
    };
}
replies!(reply_codec);

/// An answer: 0 and the reply, or 1 and the errno.
impl Field<'_> for std::result::Result<Reply, i32> {
    const MIN: usize = 2;
    fn put<'w>(&'w self, w: &mut Writer<'w>) {
        match self {
            Ok(reply) => {
                w.u8(0);
                reply.put(w);
            }
            Err(errno) => {
                w.u8(1);
                errno.put(w);
            }
        }
    }
    fn get(r: &mut Reader<'_>) -> Result<Self> {
        match r.u8()? {
            0 => Reply::get(r).map(Ok),
            1 => i32::get(r).map(Err),
            _ => Err(Malformed),
        }
    }
}

/// The message for `value` (and the descriptors to send beside it).
pub(crate) fn encode<'w, T: Field<'w>>(value: &'w T) -> Writer<'w> {
    let mut w = Writer::default();
    value.put(&mut w);
    w
}

/// The value in `message`, if the whole message is one, and the
/// descriptors left over.
pub(crate) fn decode<'a, T: Field<'a>>(
    message: &'a [u8],
    fds: Vec<OwnedFd>,
) -> Result<(T, Vec<OwnedFd>)> {
    let mut r = Reader::new(message, fds);
    let value = T::get(&mut r)?;
    r.finish(value)
}

mod fields;
#[cfg(test)]
mod tests;
