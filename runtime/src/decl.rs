//! The declaration model: what `#[sandboxed(...)]` expands to, as plain
//! values the runtime carries out. Generated code builds one [`Plan`] and
//! hands it to the steps; nothing in here touches the OS.

use std::ffi::OsString;
use std::net::SocketAddr;

pub use sandboxed_vocab::{
    DnsType, Family, FileOp, GrpCmd, GrpField, NetMode, OpenFlags, PwdCmd, PwdField, Service,
    SysctlAccess, Word,
};

use crate::rights::Limits;

/// Where a preopen's path comes from (step 1).
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Source {
    /// A literal path in the attribute.
    Literal(&'static str),
    /// `arg(N)`: the Nth command-line argument (N ≥ 1), as an OS string.
    Arg(usize),
    /// `args(N..)`: every argument from the Nth on (for `files(...)`).
    Args(usize),
    /// `env("VAR")`: an environment variable.
    Env(&'static str),
    /// `{ expr }`: evaluated before the sandbox is entered; `text` is the
    /// expression as written, for error messages.
    Expr {
        /// The expression as written.
        text: &'static str,
        /// Its value.
        value: OsString,
    },
    /// `{ expr }` of `files(...)`: any iterator of path-like values (a
    /// clap `Vec<PathBuf>`), evaluated before the sandbox is entered.
    Exprs {
        /// The expression as written.
        text: &'static str,
        /// Its values, in order.
        values: Vec<OsString>,
    },
    /// `{ expr }` of `file(...)` or `dir(...)` whose value is an `Option`
    /// that is `None` (an optional `--config FILE` not given): nothing is
    /// opened, and the parameter is `None`.
    Absent {
        /// The expression as written.
        text: &'static str,
    },
}

/// The value of a `{ expr }` source of `file(...)` or `dir(...)`, and
/// whether the expression is an `Option` ([`MaybeAbsent`]) or a path
/// ([`Present`]): the parameter is then `Option<File>` or `File`.
///
/// Generated code calls `(&Probe(expr)).__sandboxed_source()`: method
/// resolution picks [`OptionalSource`] when the expression is an `Option`
/// of a path (or a reference to one), and [`PathSource`] (one auto-ref
/// further) when it is a path.
#[derive(Debug)]
pub struct Probe<T>(pub T);

/// A value that may name a path: `Option<P>` for any path-like `P`, or a
/// reference to one.
pub trait OptionalPath {
    /// The path, if there is one.
    fn optional_path(&self) -> Option<&std::ffi::OsStr>;
}

impl<P: AsRef<std::ffi::OsStr>> OptionalPath for Option<P> {
    fn optional_path(&self) -> Option<&std::ffi::OsStr> {
        self.as_ref().map(AsRef::as_ref)
    }
}

impl<T: OptionalPath + ?Sized> OptionalPath for &T {
    fn optional_path(&self) -> Option<&std::ffi::OsStr> {
        (**self).optional_path()
    }
}

/// The source of an `Option`-valued `{ expr }`.
pub trait OptionalSource {
    /// The path (`None`: not given), and the shape of the parameter.
    fn __sandboxed_source(&self) -> (Option<OsString>, MaybeAbsent);
}

impl<T: OptionalPath> OptionalSource for Probe<T> {
    fn __sandboxed_source(&self) -> (Option<OsString>, MaybeAbsent) {
        (self.0.optional_path().map(OsString::from), MaybeAbsent)
    }
}

/// The source of a path-valued `{ expr }`.
#[diagnostic::on_unimplemented(
    message = "`{Self}` is not a path",
    note = "a `{{ expr }}` source of `file(...)` or `dir(...)` is anything `AsRef<OsStr>` (`&Path`, `String`), or an `Option` of one for an optional input"
)]
pub trait PathSource {
    /// The path, and the shape of the parameter.
    fn __sandboxed_source(&self) -> (Option<OsString>, Present);
}

impl<T: AsRef<std::ffi::OsStr>> PathSource for &Probe<T> {
    fn __sandboxed_source(&self) -> (Option<OsString>, Present) {
        (Some(OsString::from(self.0.as_ref())), Present)
    }
}

/// What a parameter is, given its source: `T` ([`Present`]) or
/// `Option<T>` ([`MaybeAbsent`]).
pub trait Shape {
    /// The parameter's type for a handle `T`.
    type Of<T>;
    /// `handle` in this shape (`None` only for [`MaybeAbsent`]).
    fn shape<T>(handle: Option<T>) -> Self::Of<T>;
}

/// A source that always names a path: the parameter is the handle.
#[derive(Clone, Copy, Debug)]
pub struct Present;

/// A source that may name none (an `Option`): the parameter is an
/// `Option` of the handle.
#[derive(Clone, Copy, Debug)]
pub struct MaybeAbsent;

impl Shape for Present {
    type Of<T> = T;
    fn shape<T>(handle: Option<T>) -> T {
        handle.unwrap_or_else(|| unreachable!("a present source gives a handle"))
    }
}

impl Shape for MaybeAbsent {
    type Of<T> = Option<T>;
    fn shape<T>(handle: Option<T>) -> Option<T> {
        handle
    }
}

/// What a preopen opens (the vocabulary's [`PreopenKind`](sandboxed_vocab::PreopenKind)).
pub use sandboxed_vocab::PreopenKind as Kind;

/// One `NAME = KIND(SOURCE, FLAG...)` of `preopen(...)`, with its rights.
#[derive(Clone, Debug)]
pub struct Preopen {
    /// The declared name (also the parameter name).
    pub name: &'static str,
    /// `file`, `dir` or `files`.
    pub kind: Kind,
    /// Where the path comes from.
    pub source: Source,
    /// How to open it.
    pub flags: OpenFlags,
    /// The rights it keeps after step 3 (declared, or the defaults the open
    /// flags imply).
    pub limits: Limits,
}

/// One of the standard streams.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Stdio {
    /// Descriptor 0.
    Stdin,
    /// Descriptor 1.
    Stdout,
    /// Descriptor 2.
    Stderr,
}

impl Stdio {
    /// The descriptor number.
    pub const fn fd(self) -> i32 {
        match self {
            Stdio::Stdin => 0,
            Stdio::Stdout => 1,
            Stdio::Stderr => 2,
        }
    }

    /// `stdin`, `stdout` or `stderr`.
    pub const fn name(self) -> &'static str {
        match self {
            Stdio::Stdin => "stdin",
            Stdio::Stdout => "stdout",
            Stdio::Stderr => "stderr",
        }
    }
}

/// `dns(types = [...], families = [...])`. An empty list means "no limit
/// of that kind", as when libcasper's limit is not set.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct DnsLimits {
    /// Allowed lookup types.
    pub types: Vec<DnsType>,
    /// Allowed address families.
    pub families: Vec<Family>,
}

/// `net(modes = [...], hosts = [("host", "service")], families = [...],
/// bind = ["addr:port"], connect = ["addr:port"])`.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct NetLimits {
    /// Allowed modes (empty: those the other lists name, see
    /// [`effective_modes`](Self::effective_modes)).
    pub modes: Vec<NetMode>,
    /// `cap_net_limit_name2addr(host, serv)` pairs; `None` = any.
    pub hosts: Vec<(Option<String>, Option<String>)>,
    /// `cap_net_limit_name2addr_family` / `_addr2name_family`.
    pub families: Vec<Family>,
    /// `cap_net_limit_bind` addresses.
    pub bind: Vec<SocketAddr>,
    /// `cap_net_limit_connect` addresses.
    pub connect: Vec<SocketAddr>,
}

impl NetLimits {
    /// The modes the declaration allows. `modes` when it lists some;
    /// otherwise the modes its lists name: `connect` addresses allow
    /// connecting, `bind` addresses binding, `hosts` name-to-address
    /// lookups, `families` lookups both ways; and every mode but
    /// `connectdns` when it names nothing (`net()`). cap_net(3) itself
    /// reads a missing list as "any" (`net_allowed_bsaddr`,
    /// `net_allowed_hosts` in cap_net.c), so `net(connect = [..])` taken
    /// as every mode would leave binding anywhere and lookups open.
    pub fn effective_modes(&self) -> Vec<NetMode> {
        if !self.modes.is_empty() {
            return self.modes.clone();
        }
        let mut modes = Vec::new();
        if !self.hosts.is_empty() || !self.families.is_empty() {
            modes.push(NetMode::NameToAddr);
        }
        if !self.families.is_empty() {
            modes.push(NetMode::AddrToName);
        }
        if !self.connect.is_empty() {
            modes.push(NetMode::Connect);
        }
        if !self.bind.is_empty() {
            modes.push(NetMode::Bind);
        }
        if modes.is_empty() {
            modes = vec![
                NetMode::NameToAddr,
                NetMode::AddrToName,
                NetMode::Connect,
                NetMode::Bind,
            ];
        }
        modes
    }

    /// Whether [`effective_modes`](Self::effective_modes) has `mode`.
    pub fn allows_mode(&self, mode: NetMode) -> bool {
        self.effective_modes().contains(&mode)
    }

    /// The services `hosts` pairs with `host`: `None` when any service is
    /// allowed (no `hosts` list, or an entry for the host, or for any host,
    /// without a service); otherwise the declared ones, in order (none: the
    /// host is not declared). cap_net(3) matches both halves of an entry
    /// (`net_allowed_hosts`) and connects under `connectdns` only to an
    /// address a lookup returned with its port, so these are the services
    /// a looked-up host may be reached on.
    pub fn services_for(&self, host: &str) -> Option<Vec<&str>> {
        let mut services = Vec::new();
        for (h, serv) in &self.hosts {
            if h.as_deref().is_some_and(|h| h != host) {
                continue;
            }
            match serv {
                None => return None,
                Some(s) if !services.contains(&s.as_str()) => services.push(s.as_str()),
                Some(_) => {}
            }
        }
        if self.hosts.is_empty() {
            return None;
        }
        Some(services)
    }
}

/// One user or group named in `users = [...]` / `groups = [...]`.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Principal {
    /// By name.
    Name(String),
    /// By numeric id.
    Id(u32),
}

/// `pwd(cmds = [...], fields = [...], users = ["root", 0])`, and the same
/// for `grp` with `groups = [...]` (cap_pwd(3), cap_grp(3)): [`PwdLimits`]
/// and [`GrpLimits`]. Empty: no limit of that kind.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DbLimits<Cmd, Field> {
    /// Allowed commands.
    pub cmds: Vec<Cmd>,
    /// Fields returned (others are left out).
    pub fields: Vec<Field>,
    /// Users (or groups) that may be looked up.
    pub principals: Vec<Principal>,
}

/// The limits of `system.pwd`.
pub type PwdLimits = DbLimits<PwdCmd, PwdField>;

/// The limits of `system.grp`.
pub type GrpLimits = DbLimits<GrpCmd, GrpField>;

impl<Cmd, Field> Default for DbLimits<Cmd, Field> {
    fn default() -> Self {
        DbLimits {
            cmds: Vec::new(),
            fields: Vec::new(),
            principals: Vec::new(),
        }
    }
}

impl<Cmd: Word, Field: Word> DbLimits<Cmd, Field> {
    /// The same limits by libcasper's names, as cap_pwd_limit_cmds(3) and
    /// cap_pwd_limit_fields(3) take them.
    #[allow(dead_code)] // where the backend has no services
    pub(crate) fn names(&self) -> DbNames {
        DbLimits {
            cmds: self.cmds.iter().map(|c| c.name()).collect(),
            fields: self.fields.iter().map(|f| f.name()).collect(),
            principals: self.principals.clone(),
        }
    }
}

/// Database limits by libcasper's names, for the backends that hand them
/// to the service.
#[allow(dead_code)] // where the backend has no services
pub(crate) type DbNames = DbLimits<&'static str, &'static str>;

/// `sysctl(read = ["kern.ostype"], write = [...], recursive = [...])`:
/// named entries with their access. On Linux a name maps to `/proc/sys`
/// (`kernel.ostype` → `/proc/sys/kernel/ostype`).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct SysctlLimits {
    /// Entries and their access.
    pub entries: Vec<(&'static str, SysctlAccess)>,
}

/// `fileargs(args(1..), read, rights = [read, fstat], operations = [open,
/// lstat])`: only the named files, with these flags and rights.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FileArgsLimits {
    /// The file names: `args(N..)`, `arg(N)`, a literal or an expression.
    pub source: Source,
    /// Open flags used for every file.
    pub flags: OpenFlags,
    /// Limits of each opened descriptor.
    pub limits: Limits,
    /// Allowed operations.
    pub operations: Vec<FileOp>,
}

/// One entry of `services(...)`.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum ServiceDecl {
    /// `system.dns`.
    Dns(DnsLimits),
    /// `system.net`.
    Net(NetLimits),
    /// `system.pwd`.
    Pwd(PwdLimits),
    /// `system.grp`.
    Grp(GrpLimits),
    /// `system.sysctl`.
    Sysctl(SysctlLimits),
    /// `system.syslog`.
    Syslog,
    /// `system.fileargs`.
    FileArgs(FileArgsLimits),
}

impl ServiceDecl {
    /// The service declared.
    pub const fn service(&self) -> Service {
        match self {
            ServiceDecl::Dns(_) => Service::Dns,
            ServiceDecl::Net(_) => Service::Net,
            ServiceDecl::Pwd(_) => Service::Pwd,
            ServiceDecl::Grp(_) => Service::Grp,
            ServiceDecl::Sysctl(_) => Service::Sysctl,
            ServiceDecl::Syslog => Service::Syslog,
            ServiceDecl::FileArgs(_) => Service::FileArgs,
        }
    }

    /// libcasper's name of the service (`"system.dns"`).
    pub const fn service_name(&self) -> &'static str {
        self.service().casper_name()
    }
}

/// What to do where the OS has no sandbox (`on_unsupported = ...`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum OnUnsupported {
    /// Refuse to run (the default).
    #[default]
    Deny,
    /// Run unsandboxed, with a warning on stderr.
    Warn,
}

/// Everything one `#[sandboxed(...)]` declares.
#[derive(Clone, Debug, Default)]
pub struct Plan {
    /// `preopen(...)`, in declaration order.
    pub preopens: Vec<Preopen>,
    /// Limits for the standard streams (from `rights(stdin = ..)` or `stdio`).
    pub stdio: Vec<(Stdio, Limits)>,
    /// `services(...)`, in declaration order.
    pub services: Vec<ServiceDecl>,
    /// `on_unsupported = ...`.
    pub on_unsupported: OnUnsupported,
    /// `exit_code = N`: exit status when setup fails (default
    /// [`SETUP_FAILURE_EXIT`](crate::SETUP_FAILURE_EXIT)).
    pub exit_code: Option<i32>,
    /// `on_setup_error = f`: the program's own report of a failed setup;
    /// returns the exit status.
    pub on_setup_error: Option<fn(&crate::Error) -> i32>,
    /// `before_entry = f`: the program's own initialization, run after
    /// the preopens are limited and before the caches are warmed, the
    /// services started and the sandbox entered.
    pub before_entry: Option<fn() -> BeforeEntry>,
    /// `limits(...)`: the rights sets descriptors can be limited to after
    /// entry.
    pub limits: Vec<LimitSet>,
}

/// One `NAME = [...]` of `limits(...)`: a rights set descriptors can be
/// limited to after entry, and how many such descriptors may be open at
/// once (Linux reserves as many descriptor numbers at setup).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LimitSet {
    /// The declared name (the marker type's).
    pub name: &'static str,
    /// Its rights and commands.
    pub limits: crate::rights::Limits,
    /// `max = N`; 0 for the default ([`LimitSet::DEFAULT_MAX`]).
    pub max: u32,
}

impl LimitSet {
    /// Descriptors of one set open at once without `max = N`.
    pub const DEFAULT_MAX: u32 = 64;

    /// How many descriptors of the set may be open at once.
    pub const fn count(&self) -> u32 {
        if self.max == 0 {
            Self::DEFAULT_MAX
        } else {
            self.max
        }
    }
}

/// What a `before_entry` function reports: `Ok`, or the error that stops
/// the setup ([`Error::BeforeEntry`](crate::Error::BeforeEntry)).
pub type BeforeEntry = Result<(), Box<dyn std::error::Error + Send + Sync + 'static>>;

/// What a `before_entry` function may return: nothing, or a `Result`
/// whose error is any error type (or a string).
pub trait BeforeEntryOutcome {
    /// As the plan takes it.
    fn outcome(self) -> BeforeEntry;
}

impl BeforeEntryOutcome for () {
    fn outcome(self) -> BeforeEntry {
        Ok(())
    }
}

impl<E: Into<Box<dyn std::error::Error + Send + Sync + 'static>>> BeforeEntryOutcome
    for Result<(), E>
{
    fn outcome(self) -> BeforeEntry {
        self.map_err(Into::into)
    }
}

/// The outcome of a `before_entry` call, for generated code.
pub fn before_entry_outcome(outcome: impl BeforeEntryOutcome) -> BeforeEntry {
    outcome.outcome()
}
