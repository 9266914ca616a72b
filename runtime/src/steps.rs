//! The fixed order in which a [`Plan`] is carried out:
//! resolve → open → limit → caches → services → enter → call.
//!
//! Each step runs against a [`Backend`]; the real one is picked in
//! `backend/mod.rs`, tests use a recording fake. The first failure stops the
//! sequence: nothing after it runs, and the body never runs unsandboxed.

use std::ffi::OsString;
use std::os::fd::OwnedFd;
use std::path::PathBuf;

use crate::decl::{Kind, OnUnsupported, Plan, Preopen, ServiceDecl, Shape, Source, Stdio};
use crate::error::{Error, Failure};
use crate::rights::{Limits, RightsMarker};
use crate::{Dir, File, Operand};

/// Where entry time goes, for the enforcement benchmark: each step (and
/// the backend's parts of `enter`) marks its end; with the `step-times`
/// feature off, marks compile to nothing.
pub(crate) mod times {
    #[cfg(feature = "step-times")]
    use std::sync::Mutex;
    #[cfg(feature = "step-times")]
    use std::time::Instant;

    /// A step's end.
    #[cfg(feature = "step-times")]
    type Mark = Option<(&'static str, Instant)>;

    /// The marks of this process, in order, and how many (a fixed array:
    /// marking allocates nothing).
    #[cfg(feature = "step-times")]
    static MARKS: Mutex<([Mark; 24], usize)> = Mutex::new(([None; 24], 0));

    /// Records that `step` ended now.
    #[inline]
    pub(crate) fn mark(step: &'static str) {
        #[cfg(feature = "step-times")]
        {
            let mut marks = MARKS.lock().unwrap_or_else(|p| p.into_inner());
            let (list, n) = &mut *marks;
            if let Some(slot) = list.get_mut(*n) {
                *slot = Some((step, Instant::now()));
                *n += 1;
            }
        }
        #[cfg(not(feature = "step-times"))]
        let _ = step;
    }

    /// The seccomp instructions installed at entry, for the benchmark.
    #[cfg(feature = "step-times")]
    static INSTRUCTIONS: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);

    /// Records that entry installed `n` seccomp instructions.
    #[inline]
    #[allow(dead_code)] // where the backend installs no seccomp program
    pub(crate) fn instructions(n: usize) {
        #[cfg(feature = "step-times")]
        INSTRUCTIONS.store(n, std::sync::atomic::Ordering::Relaxed);
        #[cfg(not(feature = "step-times"))]
        let _ = n;
    }

    /// The seccomp instructions installed at entry (all programs).
    #[cfg(feature = "step-times")]
    pub(crate) fn installed_instructions() -> usize {
        INSTRUCTIONS.load(std::sync::atomic::Ordering::Relaxed)
    }

    /// Each step with its duration in microseconds (from the mark before
    /// it), in order.
    #[cfg(feature = "step-times")]
    pub(crate) fn durations() -> Vec<(&'static str, f64)> {
        let marks = MARKS.lock().unwrap_or_else(|p| p.into_inner());
        let (list, n) = &*marks;
        list[..*n]
            .windows(2)
            .filter_map(|w| {
                let ((_, a), (step, b)) = (w[0]?, w[1]?);
                Some((step, b.duration_since(a).as_secs_f64() * 1e6))
            })
            .collect()
    }
}

/// What a platform provides to carry out the steps. One implementation per
/// OS lives in `backend/`; every method is called at most once per step, in
/// the order of the module docs.
pub(crate) trait Backend {
    /// The channel type of a service.
    type Channel;

    /// A mechanism the system may lack, printed in words.
    type Gap: std::fmt::Display;

    /// What `SANDBOXED_TRACE` asked of this backend (it describes the
    /// limited descriptors for the trace records when not `Off`).
    fn trace_mode(&self) -> crate::trace::Mode;

    /// What this system lacks to enforce `plan`; empty when it can
    /// enforce all of it.
    fn missing(&mut self, plan: &Plan) -> Vec<Self::Gap>;

    /// Step 2: opens one path of a preopen.
    fn open(&mut self, preopen: &Preopen, path: &std::path::Path) -> std::io::Result<OwnedFd> {
        open_path(preopen, path)
    }

    /// Step 3: limits a preopened descriptor; may return a replacement
    /// (reopened with a narrower access mode, or moved).
    fn limit(&mut self, fd: OwnedFd, limits: &Limits) -> Result<OwnedFd, Failure>;

    /// Step 3: limits a copy (dup(2)) of a standard stream that a `dash`
    /// preopen gave for the path `-`. It shares the stream's open file
    /// description (offset, status flags) with the parent, so it must not
    /// be replaced by a new one.
    fn limit_stream_copy(&mut self, fd: OwnedFd, limits: &Limits) -> Result<OwnedFd, Failure> {
        self.limit(fd, limits)
    }

    /// Step 3: limits a standard stream in place. A closed stream is not
    /// an error (`CAPH_IGNORE_EBADF`).
    fn limit_stdio(&mut self, stream: Stdio, limits: &Limits) -> Result<(), Failure>;

    /// Step 3: makes ready what limiting descriptors after entry to the
    /// rights sets of `limits(...)` needs (Linux: a range of descriptor
    /// numbers per set, whose rights the filter holds from entry on).
    fn reserve_limits(&mut self, sets: &[crate::decl::LimitSet]) -> Result<(), Failure> {
        let _ = sets;
        Ok(())
    }

    /// Step 4: loads what libc needs that capability mode would deny later
    /// (time zone data, message catalogs, locale).
    fn warm_caches(&mut self) -> Result<(), Error>;

    /// Step 5: creates one channel per declared service, limited as declared.
    fn open_services(&mut self, services: &[ServiceDecl]) -> Result<Vec<Self::Channel>, Error>;

    /// Step 6: enters the sandbox. Irreversible.
    fn enter(&mut self) -> Result<(), Error>;
}

/// Opens `path` as `preopen` declares, with std's portable flags. Files are
/// opened close-on-exec; directories `O_DIRECTORY`.
pub(crate) fn open_path(preopen: &Preopen, path: &std::path::Path) -> std::io::Result<OwnedFd> {
    use std::os::unix::fs::{DirBuilderExt, OpenOptionsExt};
    let f = &preopen.flags;
    match preopen.kind {
        k if k.is_socket() => crate::net::open_socket(preopen, path),
        Kind::Dir => {
            if f.create {
                match std::fs::DirBuilder::new().mode(f.mode).create(path) {
                    Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {}
                    other => other?,
                }
            }
            let dir = std::fs::OpenOptions::new()
                .read(true)
                .custom_flags(libc::O_DIRECTORY)
                .open(path)?;
            Ok(dir.into())
        }
        _ => {
            let file = std::fs::OpenOptions::new()
                .read(f.read)
                .write(f.write && !f.append)
                .append(f.append)
                .create(f.create && !f.exclusive)
                .create_new(f.exclusive)
                .truncate(f.truncate)
                .mode(f.mode)
                .open(path)?;
            Ok(file.into())
        }
    }
}

/// One preopen's result, in declaration order.
#[derive(Debug)]
enum Slot {
    One(OwnedFd),
    Many(Vec<OwnedFd>),
    /// `fallible`: each path with its descriptor or why it was not opened.
    Operands(Vec<(PathBuf, std::io::Result<OwnedFd>)>),
    Missing,
    Taken,
}

/// The path `-` of a `dash` preopen: which standard stream it names.
fn dash_stream(preopen: &Preopen, path: &std::path::Path) -> Option<Stdio> {
    if !preopen.flags.dash || path.as_os_str() != "-" || preopen.kind == Kind::Dir {
        return None;
    }
    Some(if preopen.flags.write || preopen.flags.append {
        Stdio::Stdout
    } else {
        Stdio::Stdin
    })
}

/// A copy of a standard stream (`F_DUPFD_CLOEXEC`), which the body owns and
/// may close without closing the stream itself. A closed stream gives
/// `EBADF`, as reading or writing it would.
fn copy_stream(stream: Stdio) -> std::io::Result<OwnedFd> {
    use std::os::fd::AsFd;
    match stream {
        Stdio::Stdin => std::io::stdin().as_fd().try_clone_to_owned(),
        Stdio::Stdout => std::io::stdout().as_fd().try_clone_to_owned(),
        Stdio::Stderr => std::io::stderr().as_fd().try_clone_to_owned(),
    }
}

/// The opened, limited handles and service channels, taken one by one by the
/// generated code to call the body.
#[derive(Debug)]
pub struct Handles<C = crate::services::Channel> {
    slots: Vec<Slot>,
    channels: Vec<Option<C>>,
}

impl<C> Handles<C> {
    /// The same handles with each channel wrapped by `f`.
    pub(crate) fn map_channels<D>(self, f: impl Fn(C) -> D) -> Handles<D> {
        Handles {
            slots: self.slots,
            channels: self.channels.into_iter().map(|c| c.map(&f)).collect(),
        }
    }

    fn take(&mut self, index: usize) -> Slot {
        std::mem::replace(&mut self.slots[index], Slot::Taken)
    }

    /// The file of preopen `index`.
    pub fn file<R: RightsMarker>(&mut self, index: usize) -> File<R> {
        match self.take(index) {
            Slot::One(fd) => File::from_owned(fd),
            other => unreachable!("preopen {index} is not one file: {other:?}"),
        }
    }

    /// The file of optional preopen `index`.
    pub fn optional_file<R: RightsMarker>(&mut self, index: usize) -> Option<File<R>> {
        match self.take(index) {
            Slot::One(fd) => Some(File::from_owned(fd)),
            Slot::Missing => None,
            other => unreachable!("preopen {index} is not an optional file: {other:?}"),
        }
    }

    /// The files of preopen `index` (`files(...)`).
    pub fn files<R: RightsMarker>(&mut self, index: usize) -> Vec<File<R>> {
        match self.take(index) {
            Slot::Many(fds) => fds.into_iter().map(File::from_owned).collect(),
            other => unreachable!("preopen {index} is not a list of files: {other:?}"),
        }
    }

    /// The operands of `fallible` preopen `index` (`files(.., fallible)`).
    pub fn operands<R: RightsMarker>(&mut self, index: usize) -> Vec<Operand<R>> {
        match self.take(index) {
            Slot::Operands(list) => list
                .into_iter()
                .map(|(path, fd)| Operand {
                    path,
                    file: fd.map(File::from_owned),
                })
                .collect(),
            other => unreachable!("preopen {index} is not a list of operands: {other:?}"),
        }
    }

    /// The operand of `fallible` preopen `index` (`file(.., fallible)`).
    pub fn operand<R: RightsMarker>(&mut self, index: usize) -> Operand<R> {
        self.operands(index)
            .pop()
            .unwrap_or_else(|| unreachable!("preopen {index} has one operand"))
    }

    /// The directory of preopen `index`.
    pub fn dir<R: RightsMarker>(&mut self, index: usize) -> Dir<R> {
        match self.take(index) {
            Slot::One(fd) => Dir::from_owned(fd),
            other => unreachable!("preopen {index} is not a directory: {other:?}"),
        }
    }

    /// The socket of preopen `index` (`tcp_listener(...)` and the other
    /// socket kinds), as handle `H`.
    pub fn socket<H: crate::net::FromPreopen>(&mut self, index: usize) -> H {
        match self.take(index) {
            Slot::One(fd) => H::from_preopen(fd),
            other => unreachable!("preopen {index} is not a socket: {other:?}"),
        }
    }

    /// The file of preopen `index`, whose `{ expr }` source has shape `S`:
    /// `File<R>`, or `Option<File<R>>` for an `Option` source.
    pub fn file_as<R: RightsMarker, S: Shape>(&mut self, index: usize, _: S) -> S::Of<File<R>> {
        S::shape(self.optional_file(index))
    }

    /// The directory of preopen `index`, whose `{ expr }` source has shape
    /// `S`: `Dir<R>`, or `Option<Dir<R>>` for an `Option` source.
    pub fn dir_as<R: RightsMarker, S: Shape>(&mut self, index: usize, _: S) -> S::Of<Dir<R>> {
        S::shape(match self.take(index) {
            Slot::One(fd) => Some(Dir::from_owned(fd)),
            Slot::Missing => None,
            other => unreachable!("preopen {index} is not a directory: {other:?}"),
        })
    }

    /// The channel of service `index`.
    pub fn channel(&mut self, index: usize) -> C {
        self.channels[index]
            .take()
            .unwrap_or_else(|| unreachable!("service {index} taken twice"))
    }
}

/// Step 1: the paths a source names, with a description of where they came
/// from for error messages (`argv[1] = "a.bin"`).
fn resolve(preopen: &Preopen, args: &[OsString]) -> Result<Vec<(PathBuf, String)>, Error> {
    let missing = |origin: String, reason| Error::Resolve {
        name: preopen.name,
        origin,
        reason,
    };
    let described = |value: &OsString, origin: String| {
        (
            PathBuf::from(value),
            format!("{origin} = {:?}", value.to_string_lossy()),
        )
    };
    Ok(match &preopen.source {
        Source::Literal(path) => vec![(PathBuf::from(path), format!("{path:?}"))],
        Source::Arg(n) => {
            let origin = format!("argv[{n}]");
            match args.get(*n) {
                Some(v) => vec![described(v, origin)],
                None => return Err(missing(origin, "missing command-line argument")),
            }
        }
        Source::Args(from) => args
            .iter()
            .enumerate()
            .skip(*from)
            .map(|(i, v)| described(v, format!("argv[{i}]")))
            .collect(),
        Source::Env(var) => {
            let origin = format!("${var}");
            match std::env::var_os(var) {
                Some(v) => vec![described(&v, origin)],
                None => return Err(missing(origin, "environment variable not set")),
            }
        }
        Source::Expr { text, value } => vec![described(value, format!("{{ {text} }}"))],
        Source::Absent { .. } => Vec::new(),
        Source::Exprs { text, values } => values
            .iter()
            .enumerate()
            .map(|(i, v)| described(v, format!("{{ {text} }}[{i}]")))
            .collect(),
    })
}

/// Step 1 for a `fileargs` source: `Error::Resolve` for an argument or a
/// variable that is not there.
fn fileargs_resolves(source: &Source, args: &[OsString]) -> Result<(), Error> {
    let missing = |origin: String, reason| {
        Err(Error::Resolve {
            name: "fileargs",
            origin,
            reason,
        })
    };
    match source {
        Source::Arg(n) if args.get(*n).is_none() => {
            missing(format!("argv[{n}]"), "missing command-line argument")
        }
        Source::Env(var) if std::env::var_os(var).is_none() => {
            missing(format!("${var}"), "environment variable not set")
        }
        _ => Ok(()),
    }
}

/// Carries out steps 1–6 of `plan` on `backend`, returning the handles for
/// step 7. `args` is the program's argument vector.
pub(crate) fn run<B: Backend>(
    plan: &Plan,
    args: &[OsString],
    backend: &mut B,
) -> Result<Handles<B::Channel>, Error> {
    times::mark("start");
    let missing = backend.missing(plan);
    times::mark("probe");
    if !missing.is_empty() {
        let missing: Vec<String> = missing.iter().map(ToString::to_string).collect();
        let missing = missing.join(", ");
        match plan.on_unsupported {
            OnUnsupported::Deny => return Err(Error::Unsupported { missing }),
            OnUnsupported::Warn => {
                eprintln!("sandboxed: warning: not enforced on this system: {missing}")
            }
        }
    }

    let tracing = backend.trace_mode() != crate::trace::Mode::Off;
    if tracing {
        crate::trace::describe_plan(plan);
    }

    // Step 1 for `fileargs`: a missing argument or variable is the user's
    // mistake, reported as a preopen's is (the service resolves its
    // names again when it starts).
    for service in &plan.services {
        if let ServiceDecl::FileArgs(limits) = service {
            fileargs_resolves(&limits.source, args)?;
        }
    }

    // Steps 1 and 2: resolve and open every preopen.
    let mut opened = Vec::with_capacity(plan.preopens.len());
    for preopen in &plan.preopens {
        let mut fds = Vec::new();
        let paths = resolve(preopen, args)?;
        // An `Option` source that is `None` names nothing to open.
        let mut absent = paths.is_empty() && preopen.kind != Kind::Files;
        for (path, origin) in paths {
            let stream = dash_stream(preopen, &path);
            let result = match stream {
                Some(stream) => copy_stream(stream),
                None => backend.open(preopen, &path),
            };
            match result {
                Ok(fd) => fds.push((path, Ok((fd, stream.is_some())), origin)),
                Err(e) if preopen.flags.optional && e.kind() == std::io::ErrorKind::NotFound => {
                    absent = true;
                }
                Err(e) if preopen.flags.fallible => fds.push((path, Err(e), origin)),
                Err(source) => {
                    return Err(Error::Open {
                        name: preopen.name,
                        origin,
                        path,
                        source,
                    })
                }
            }
        }
        opened.push((fds, absent));
    }

    times::mark("open");

    // Step 3: limit rights, preopens then the standard streams.
    let mut slots = Vec::with_capacity(opened.len());
    for (preopen, (fds, absent)) in plan.preopens.iter().zip(opened) {
        let mut limited = Vec::with_capacity(fds.len());
        for (path, fd, origin) in fds {
            let (fd, stream_copy) = match fd {
                Ok(fd) => fd,
                Err(e) => {
                    limited.push((path, Err(e)));
                    continue;
                }
            };
            let fd = if stream_copy {
                backend.limit_stream_copy(fd, &preopen.limits)
            } else {
                backend.limit(fd, &preopen.limits)
            }
            .map_err(|f| Error::Limit {
                name: preopen.name.to_owned(),
                syscall: f.syscall,
                source: f.error,
            })?;
            if tracing {
                // What SANDBOXED_TRACE names this descriptor by.
                crate::trace::describe_preopen(
                    std::os::fd::AsRawFd::as_raw_fd(&fd),
                    preopen.name,
                    &origin,
                    preopen.kind,
                    preopen.flags,
                    preopen.limits,
                );
            }
            limited.push((path, Ok(fd)));
        }
        slots.push(match preopen.kind {
            _ if preopen.flags.fallible => Slot::Operands(limited),
            Kind::Files => Slot::Many(limited.into_iter().filter_map(|(_, fd)| fd.ok()).collect()),
            _ if absent => Slot::Missing,
            _ => Slot::One(
                limited
                    .pop()
                    .and_then(|(_, fd)| fd.ok())
                    .expect("one path opened"),
            ),
        });
    }
    for (stream, limits) in &plan.stdio {
        backend
            .limit_stdio(*stream, limits)
            .map_err(|f| Error::Limit {
                name: stream.name().to_owned(),
                syscall: f.syscall,
                source: f.error,
            })?;
        if tracing {
            crate::trace::describe_stdio(stream.fd(), stream.name(), *limits);
        }
    }

    if !plan.limits.is_empty() {
        backend
            .reserve_limits(&plan.limits)
            .map_err(|f| Error::Limit {
                name: "limits(...)".to_owned(),
                syscall: f.syscall,
                source: f.error,
            })?;
    }

    times::mark("limit");

    // Step 4: the program's own initialization, then the caches (which
    // see what it set, `TZ` say); 5, 6.
    if let Some(init) = plan.before_entry {
        init().map_err(|source| Error::BeforeEntry { source })?;
    }
    backend.warm_caches()?;
    times::mark("caches");
    let channels = backend.open_services(&plan.services)?;
    times::mark("services");
    backend.enter()?;
    times::mark("enter");

    Ok(Handles {
        slots,
        channels: channels.into_iter().map(Some).collect(),
    })
}

#[cfg(test)]
mod tests;
