//! `system.fileargs`: the files named on the command line, opened by the
//! service with the declared flags and rights — fileargs_init(3).

use std::io;
use std::marker::PhantomData;
use std::path::{Path, PathBuf};

use super::contract::Request;
use super::{service_handle, Channel, FileStat};
use crate::fs::{File, Unknown};
use crate::rights::RightsMarker;

/// `system.fileargs`: files named on the command line, each opened as
/// `File<R>`, `R` the declared rights.
///
/// Only the declared names can be opened, exactly as written (no other path
/// to the same file), with the declared flags; `lstat` and `realpath` only
/// when declared in `operations = [...]`.
///
/// ```no_run
/// use sandboxed::sandboxed;
/// use sandboxed::services::FileArgs;
///
/// #[sandboxed(services(fileargs(args(1..), read, rights = [read, fstat])))]
/// fn main(fileargs: FileArgs) -> std::io::Result<()> {
///     let files = fileargs;
///     for name in std::env::args_os().skip(1) {
///         let mut file = files.open(&name)?;
///         std::io::copy(&mut file, &mut std::io::stdout())?;
///     }
///     Ok(())
/// }
/// ```
pub struct FileArgs<R: RightsMarker = Unknown> {
    channel: Channel,
    rights: PhantomData<fn() -> R>,
}

service_handle!(FileArgs<R>);

impl<R: RightsMarker> std::fmt::Debug for FileArgs<R> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("FileArgs")
            .field("rights", &R::NAME)
            .field("channel", &self.channel)
            .finish()
    }
}

impl<R: RightsMarker> FileArgs<R> {
    /// `fileargs_open`: `path` (one of the declared names) opened with the
    /// declared flags.
    pub fn open(&self, path: impl AsRef<Path>) -> io::Result<File<R>> {
        let fd = self.channel.ask(Request::FileOpen {
            path: path.as_ref(),
        })?;
        Ok(File::from_owned(fd))
    }

    /// `fileargs_lstat`. Needs `operations = [lstat]`.
    pub fn lstat(&self, path: impl AsRef<Path>) -> io::Result<FileStat> {
        self.channel.ask(Request::FileLstat {
            path: path.as_ref(),
        })
    }

    /// `fileargs_realpath`. Needs `operations = [realpath]`.
    pub fn realpath(&self, path: impl AsRef<Path>) -> io::Result<PathBuf> {
        self.channel.ask(Request::FileRealpath {
            path: path.as_ref(),
        })
    }
}
