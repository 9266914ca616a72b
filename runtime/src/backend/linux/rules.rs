//! The words the system-call table (`syscalls.rs`) is written in. How one
//! call is judged by its row is `judge.rs`.
//!
//! A row says three things about a call:
//!
//! - its arguments ([`Arg`]): which are descriptors, directory descriptors
//!   with the path looked up beneath them, global paths, socket addresses,
//!   process ids...;
//! - how capability mode treats it ([`Mode`]): allowed, denied (`EPERM`,
//!   Capsicum's `ECAPMODE`), allowed when argument conditions hold (each
//!   alternative possibly gated on a [`Grant`] of the service broker, or on
//!   Landlock confining lookups), or answered `ENOSYS` so that libc falls
//!   back to a call the filter can check;
//! - what its descriptor arguments need ([`Need`]): a right, possibly only
//!   when argument conditions hold (open flags, `mmap` protections, `lseek`
//!   whence), or an ioctl/fcntl command the descriptor's lists allow. A
//!   missing one fails with `EACCES` (Capsicum's `ENOTCAPABLE`).
//!
//! Conditions compare one argument as the kernel passes it: descriptors,
//! flags and commands are C `int`s, compared on their low 32 bits (the
//! kernel ignores the upper half); [`Test::Null`] and [`Test::NonNull`]
//! compare all 64 bits (pointers, offsets).

use crate::rights::Right;

/// How an argument is read, for decoding a call and for classifying it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Arg {
    /// A descriptor.
    Fd,
    /// A directory descriptor or `AT_FDCWD`; the next argument is a path
    /// looked up beneath it (openat(2)).
    Dirfd,
    /// A path: looked up beneath the [`Arg::Dirfd`] before it, else from the
    /// current directory or `/` (a global namespace).
    Path,
    /// A string that is not looked up: a symbolic link's contents
    /// (symlink(2)), a name in another namespace (mq_open(3)).
    Str,
    /// A program to execute (execve(2)).
    Program,
    /// open(2) flags.
    OpenFlags,
    /// `AT_*` flags (`AT_EMPTY_PATH`, `AT_SYMLINK_NOFOLLOW`).
    AtFlags,
    /// A count of bytes.
    Len,
    /// A buffer or pointer, not decoded.
    Buf,
    /// A socket address; its length is the next argument.
    Addr,
    /// A `struct msghdr` (sendmsg(2)): its address and descriptors are
    /// behind a pointer.
    Msg,
    /// A socket address family.
    Family,
    /// A socket type.
    SockType,
    /// A process (or thread, or process group) id.
    Pid,
    /// A number.
    Num,
}

/// What the service broker may be granted beyond capability mode.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Grant {
    /// `Grants::global_paths` (seccomp/mod.rs).
    GlobalPaths,
    /// `Grants::inet` (seccomp/mod.rs).
    Inet,
    /// `Grants::unix_connect` (seccomp/mod.rs).
    UnixConnect,
    /// `Grants::send_descriptors` (seccomp/mod.rs).
    SendDescriptors,
}

/// When an alternative of [`Mode::AllowIf`] is in force.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Gate {
    /// Always.
    Always,
    /// When lookups beneath directory descriptors are allowed: Landlock
    /// confines them (absolute paths and `..` ignore the directory), or
    /// the broker has [`Grant::GlobalPaths`].
    Lookups,
    /// With this grant.
    Grant(Grant),
    /// When Landlock scopes signals (`LANDLOCK_SCOPE_SIGNAL`, ABI 6): the
    /// kernel then refuses a target outside the caller's domain, which
    /// holds its parent and siblings (each child forked after entry gets
    /// a domain of its own), so the filter need not know any process id.
    SignalScope,
    /// When the supervisor tells the caller's own process and threads
    /// (`judge::Context::own_signals`): a call naming one by id is sent
    /// there (`judge::Supervised::OwnProcess`), which lets it through for
    /// the caller's own only.
    OwnProcess,
    /// When a supervisor answers the calls sent to it
    /// (`judge::Context::notify`) and the broker's
    /// [`Grant::SendDescriptors`] is not given: sendmsg(2) and sendmmsg(2)
    /// go there (`judge::Supervised::Sent`), which makes them itself on
    /// what it read of the message once.
    Supervisor,
    /// When the `SIGSYS` action is the program's own: no pool of
    /// `limits(...)` or `fileargs` numbers, whose closes the sandbox's
    /// `SIGSYS` handler emulates (`slots.rs`).
    OwnSigsys,
    /// When the process may make processes: everywhere but in a
    /// compartment, whose channel a process it forked would keep (it
    /// would outlive the compartment and hold its channel; the caller
    /// and the zygote see the compartment's end through its process
    /// descriptor, and no later compartment gets that channel).
    Forks,
    /// In a compartment, where [`Gate::Forks`] is closed (its alternatives
    /// that hold there only, so that elsewhere they add no test).
    NoForks,
}

/// One alternative under which capability mode allows a call.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Allow {
    /// When it is in force.
    pub gate: Gate,
    /// Conditions that must all hold.
    pub when: &'static [Cond],
}

/// How capability mode treats a call.
#[derive(Clone, Copy, Debug)]
pub(crate) enum Mode {
    /// Allowed whatever the arguments.
    Allow,
    /// Allowed when one of the alternatives holds; `EPERM` otherwise.
    AllowIf(&'static [Allow]),
    /// Denied: `EPERM`.
    Deny,
    /// Answered `ENOSYS`: its arguments are behind a pointer seccomp cannot
    /// read, and libc falls back to a call the filter can check.
    Enosys,
}

/// A comparison of one argument.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Test {
    /// The low 32 bits equal the value.
    Eq(u32),
    /// The low 32 bits differ from the value.
    Ne(u32),
    /// The low 32 bits are one of the values.
    OneOf(&'static [u32]),
    /// `(arg & mask) == value` on the low 32 bits.
    Masked {
        /// The bits looked at.
        mask: u32,
        /// What they must be.
        value: u32,
    },
    /// `arg & mask` is one of the values.
    MaskedOneOf {
        /// The bits looked at.
        mask: u32,
        /// What they may be.
        values: &'static [u32],
    },
    /// All 64 bits are zero (a NULL pointer, a zero offset).
    Null,
    /// All 64 bits are one of the values (zero-extended): an `int` checked
    /// with the register's upper half, which the kernel may read as a
    /// `long` (prctl(2)'s option).
    WideOneOf(&'static [u32]),
    /// Some of the 64 bits are set.
    NonNull,
}

/// A condition on argument `arg` (0..6).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Cond {
    /// The argument.
    pub arg: u8,
    /// Its comparison.
    pub test: Test,
}

impl Cond {
    /// Whether the condition holds for `args`.
    pub(crate) fn holds(&self, args: &[u64; 6]) -> bool {
        let wide = args[usize::from(self.arg)];
        let v = wide as u32;
        match self.test {
            Test::Eq(x) => v == x,
            Test::Ne(x) => v != x,
            Test::OneOf(xs) => xs.contains(&v),
            Test::Masked { mask, value } => v & mask == value,
            Test::MaskedOneOf { mask, values } => values.contains(&(v & mask)),
            Test::Null => wide == 0,
            Test::WideOneOf(xs) => xs.iter().any(|&x| wide == u64::from(x)),
            Test::NonNull => wide != 0,
        }
    }
}

/// What a descriptor argument must allow.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Req {
    /// A right.
    Right(Right),
    /// Nothing allows it: no copies of a limited descriptor (but those
    /// the supervisor makes of a copied class, `FdClass::copied`),
    /// nothing placed over one.
    Never,
    /// What the filter cannot judge and a supervisor does: a path form
    /// Landlock does not mediate (chmod, chown, utimes by path,
    /// landlock(7)), a protection change it cannot tie to a mapping
    /// (mprotect(2) adding `PROT_EXEC`). Without a supervisor
    /// (`judge::in_force`), denied whatever the directory holds, after its
    /// rights were checked, so that a missing right is `EACCES` as in
    /// Capsicum.
    Unmediated,
    /// `CAP_IOCTL`, narrowed by `ioctls(...)`: the command is argument `cmd`.
    Ioctl {
        /// The command's argument.
        cmd: u8,
    },
    /// The fcntl(2) command in argument `cmd` (`CAP_FCNTL` narrowed by
    /// `fcntls(...)`, locks by `CAP_FLOCK`, copies never).
    Fcntl {
        /// The command's argument.
        cmd: u8,
    },
    /// A copy of this descriptor into the number in argument `onto`: only
    /// into a pool whose limits are within the descriptor's (rights only
    /// shrink).
    Into {
        /// The argument holding the number copied onto.
        onto: u8,
    },
    /// A number copied onto: only a pool's (a limited descriptor is never
    /// replaced; a pool takes copies, `Into` checks their source).
    Onto,
}

/// Which descriptors' access mode makes a [`Need`] moot: read(2) and
/// write(2) on a descriptor not open for them fail with `EBADF` in the
/// kernel, so the filter need not look (and the kernel's action cache then
/// skips the programs for them).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Access {
    /// The need is checked whatever the access mode.
    Any,
    /// Only on descriptors whose access mode lets read(2) through.
    Read,
    /// Only on descriptors whose access mode lets write(2) through.
    Write,
}

/// How descriptors outside every class (made after entry: pipes, memfds,
/// sockets, and those opened beneath a directory that the supervisor
/// leaves to the caller, `O_PATH` ones, FIFOs, devices; or every one
/// opened beneath a directory without a supervisor) are judged.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Outside {
    /// They are not limited.
    Free,
    /// Nothing allows it.
    Denied,
    /// What every preopened directory where the call could act holds:
    /// Capsicum gives a descriptor opened beneath a directory that
    /// directory's rights (openat(2)), and seccomp cannot tell which
    /// directory a descriptor opened after entry came from, so a right
    /// one of them lacks is denied (fail closed). The directories are
    /// those whose Landlock access has one of these bits
    /// (`landlock::AccessFs`): Landlock lets a call beneath such a
    /// descriptor through there only. 0: Landlock does not mediate the
    /// call (fchmod, stat), every directory counts. Without any
    /// directory, nothing was opened beneath one: not limited.
    Places(u64),
}

/// Landlock access bits of [`Outside::Places`] (landlock(7) "Filesystem
/// flags"; the values of `landlock::AccessFs`).
pub(crate) mod access {
    use landlock::AccessFs;

    /// Removing an entry: unlink or rename away.
    pub(crate) const REMOVE: u64 = AccessFs::RemoveFile as u64 | AccessFs::RemoveDir as u64;
    /// Making a regular file.
    pub(crate) const MAKE_REG: u64 = AccessFs::MakeReg as u64;
    /// Making a directory.
    pub(crate) const MAKE_DIR: u64 = AccessFs::MakeDir as u64;
    /// Making a symbolic link.
    pub(crate) const MAKE_SYM: u64 = AccessFs::MakeSym as u64;
    /// Making a FIFO.
    pub(crate) const MAKE_FIFO: u64 = AccessFs::MakeFifo as u64;
    /// Making a socket node.
    pub(crate) const MAKE_SOCK: u64 = AccessFs::MakeSock as u64;
    /// Any entry a hard link can make (not a directory).
    pub(crate) const MAKE_LINK: u64 = MAKE_REG | MAKE_SYM | MAKE_FIFO | MAKE_SOCK;
    /// Any entry a rename can bring.
    pub(crate) const MAKE_ANY: u64 = MAKE_LINK | MAKE_DIR;
    /// Not mediated by Landlock (stat, access).
    pub(crate) const UNMEDIATED: u64 = 0;
}

/// What one call needs of one of its descriptor arguments.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Need {
    /// The descriptor argument; `None`: whatever the descriptor (the rule
    /// binds the whole process).
    pub fd: Option<u8>,
    /// What it must allow.
    pub req: Req,
    /// Only when these conditions all hold.
    pub when: &'static [Cond],
    /// Which access modes make the need moot.
    pub access: Access,
    /// How descriptors outside every class are judged.
    pub outside: Outside,
    /// The supervisor judges what this need guards instead, where there
    /// is one (`judge::in_force`): the filter checks it only without.
    pub judged: bool,
}

/// One system call as the table is written (`syscalls.rs`): read when the
/// crate is compiled, into the [`Syscall`] rows the process reads.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Row {
    /// Its number on x86_64 (arch/x86/entry/syscalls/syscall_64.tbl).
    pub nr: u32,
    /// Its name.
    pub name: &'static str,
    /// Its arguments, as far as they are decoded.
    pub args: &'static [Arg],
    /// How capability mode treats it.
    pub mode: Mode,
    /// What its descriptor arguments need.
    pub needs: &'static [Need],
    /// Why (capabilities.conf, the man page, the kernel doc).
    pub why: &'static str,
}

/// One system call: a row of the table as the process reads it. It holds
/// no pointer (its texts are spans of one string, its alternatives and
/// needs indices into lists of them, `syscalls/packed.rs`), so the table
/// lies in read-only data the program loader does not relocate: in a
/// position-independent executable every page of pointers is copied and
/// patched at load (ld.so(8), `R_X86_64_RELATIVE`), for every run.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Syscall {
    /// Its number on x86_64 (arch/x86/entry/syscalls/syscall_64.tbl).
    pub nr: u32,
    /// Its name (`Syscall::name`).
    pub(crate) name_at: Text,
    /// Its arguments, as far as they are decoded: the first `arity`.
    pub(crate) arg_kinds: [Arg; 6],
    /// How many arguments are decoded.
    pub(crate) arity: u8,
    /// How capability mode treats it (`Syscall::mode`).
    pub(crate) mode_at: ModeAt,
    /// Where its needs are (`Syscall::needs`).
    pub(crate) needs_at: u16,
    /// Why (`Syscall::why`).
    pub(crate) why_at: Text,
}

/// A span of one of the table's strings.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Text {
    /// Its first byte.
    pub(crate) at: u32,
    /// Its length in bytes.
    pub(crate) len: u32,
}

/// [`Mode`] with the alternatives as an index.
#[derive(Clone, Copy, Debug)]
pub(crate) enum ModeAt {
    /// [`Mode::Allow`].
    Allow,
    /// [`Mode::AllowIf`], with the index of its alternatives.
    AllowIf(u16),
    /// [`Mode::Deny`].
    Deny,
    /// [`Mode::Enosys`].
    Enosys,
}

// Constructors the table's rows are written with.

/// `arg == value`.
pub(crate) const fn eq(arg: u8, value: u32) -> Cond {
    Cond {
        arg,
        test: Test::Eq(value),
    }
}

/// `arg != value`.
pub(crate) const fn ne(arg: u8, value: u32) -> Cond {
    Cond {
        arg,
        test: Test::Ne(value),
    }
}

/// `arg` is one of `values`.
pub(crate) const fn one_of(arg: u8, values: &'static [u32]) -> Cond {
    Cond {
        arg,
        test: Test::OneOf(values),
    }
}

/// `(arg & mask) == value`.
pub(crate) const fn masked(arg: u8, mask: u32, value: u32) -> Cond {
    Cond {
        arg,
        test: Test::Masked { mask, value },
    }
}

/// `arg & mask` is one of `values`.
pub(crate) const fn masked_one_of(arg: u8, mask: u32, values: &'static [u32]) -> Cond {
    Cond {
        arg,
        test: Test::MaskedOneOf { mask, values },
    }
}

/// `arg` (64 bits) is zero.
pub(crate) const fn null(arg: u8) -> Cond {
    Cond {
        arg,
        test: Test::Null,
    }
}

/// `arg` (all 64 bits) is one of `values`.
pub(crate) const fn one_of_wide(arg: u8, values: &'static [u32]) -> Cond {
    Cond {
        arg,
        test: Test::WideOneOf(values),
    }
}

/// `arg` (64 bits) is not zero.
pub(crate) const fn non_null(arg: u8) -> Cond {
    Cond {
        arg,
        test: Test::NonNull,
    }
}

/// Capability mode allows the call when `when` holds.
pub(crate) const fn when(when: &'static [Cond]) -> Allow {
    Allow {
        gate: Gate::Always,
        when,
    }
}

/// Capability mode allows the call when lookups are allowed and `when`
/// holds.
pub(crate) const fn beneath(when: &'static [Cond]) -> Allow {
    Allow {
        gate: Gate::Lookups,
        when,
    }
}

/// Capability mode allows the call when Landlock scopes signals and `when`
/// holds.
pub(crate) const fn scoped(when: &'static [Cond]) -> Allow {
    Allow {
        gate: Gate::SignalScope,
        when,
    }
}

/// Capability mode allows the call when the supervisor tells the caller's
/// own process and threads, which it then lets the call name alone, and
/// `when` holds.
pub(crate) const fn own_process(when: &'static [Cond]) -> Allow {
    Allow {
        gate: Gate::OwnProcess,
        when,
    }
}

/// Capability mode allows the call when a supervisor makes it for the
/// caller ([`Gate::Supervisor`]) and `when` holds.
pub(crate) const fn supervisor(when: &'static [Cond]) -> Allow {
    Allow {
        gate: Gate::Supervisor,
        when,
    }
}

/// Capability mode allows the call when the `SIGSYS` action is the
/// program's own (no pool) and `when` holds.
pub(crate) const fn own_sigsys(when: &'static [Cond]) -> Allow {
    Allow {
        gate: Gate::OwnSigsys,
        when,
    }
}

/// Capability mode allows the call when the process may make processes
/// (not a compartment) and `when` holds.
pub(crate) const fn forking(when: &'static [Cond]) -> Allow {
    Allow {
        gate: Gate::Forks,
        when,
    }
}

/// Capability mode allows the call in a compartment (where
/// [`forking`] alternatives are closed) when `when` holds.
pub(crate) const fn not_forking(when: &'static [Cond]) -> Allow {
    Allow {
        gate: Gate::NoForks,
        when,
    }
}

/// The broker with `grant` may make the call when `when` holds.
pub(crate) const fn granted(grant: Grant, when: &'static [Cond]) -> Allow {
    Allow {
        gate: Gate::Grant(grant),
        when,
    }
}

/// Descriptor argument `fd` needs `right`.
pub(crate) const fn need(fd: u8, right: Right) -> Need {
    Need {
        fd: Some(fd),
        req: Req::Right(right),
        when: &[],
        access: Access::Any,
        outside: Outside::Free,
        judged: false,
    }
}

/// Descriptor argument `fd` may not be a limited descriptor at all.
pub(crate) const fn never(fd: u8) -> Need {
    Need {
        req: Req::Never,
        ..need(fd, Right::Read)
    }
}

/// Descriptor argument `fd` is a directory a path form Landlock does not
/// mediate is looked up beneath: denied, outside every class too.
pub(crate) const fn unmediated(fd: u8) -> Need {
    Need {
        req: Req::Unmediated,
        outside: Outside::Denied,
        ..need(fd, Right::Read)
    }
}

/// A call the supervisor judges ([`Req::Unmediated`], no descriptor):
/// denied without one.
pub(crate) const fn unsupervised() -> Need {
    Need {
        req: Req::Unmediated,
        fd: None,
        outside: Outside::Denied,
        ..need(0, Right::MmapX)
    }
}

/// Descriptor argument `fd` may be copied only onto the number in argument
/// `onto`, and only into a pool within its limits.
pub(crate) const fn into(fd: u8, onto: u8) -> Need {
    Need {
        req: Req::Into { onto },
        ..need(fd, Right::Read)
    }
}

/// Argument `fd` is a number copied onto: only a pool's.
pub(crate) const fn onto(fd: u8) -> Need {
    Need {
        req: Req::Onto,
        ..need(fd, Right::Read)
    }
}

/// Descriptor argument `fd` needs `CAP_IOCTL` and the command in `cmd`
/// among its `ioctls(...)`.
pub(crate) const fn ioctl_command(fd: u8, cmd: u8) -> Need {
    Need {
        req: Req::Ioctl { cmd },
        ..need(fd, Right::Ioctl)
    }
}

/// Descriptor argument `fd` must allow the fcntl(2) command in `cmd`.
pub(crate) const fn fcntl_command(fd: u8, cmd: u8) -> Need {
    Need {
        req: Req::Fcntl { cmd },
        ..need(fd, Right::Fcntl)
    }
}

/// No descriptor has `right` (the rule binds the whole process).
pub(crate) const fn nobody(right: Right) -> Need {
    Need {
        fd: None,
        ..need(0, right)
    }
}

impl Need {
    /// Only when `when` holds.
    pub(crate) const fn when(self, when: &'static [Cond]) -> Need {
        Need { when, ..self }
    }

    /// Moot on descriptors whose access mode does not let read(2) through.
    pub(crate) const fn reading(self) -> Need {
        Need {
            access: Access::Read,
            ..self
        }
    }

    /// Moot on descriptors whose access mode does not let write(2) through.
    pub(crate) const fn writing(self) -> Need {
        Need {
            access: Access::Write,
            ..self
        }
    }

    /// Checked by the filter only without a supervisor, which judges what
    /// it guards otherwise ([`Need::judged`]).
    pub(crate) const fn unless_supervised(self) -> Need {
        Need {
            judged: true,
            ..self
        }
    }

    /// Descriptors outside every class are denied.
    pub(crate) const fn denied_outside(self) -> Need {
        Need {
            outside: Outside::Denied,
            ..self
        }
    }

    /// Descriptors outside every class get what every directory whose
    /// Landlock access has one of `access`'s bits holds
    /// ([`Outside::Places`]).
    pub(crate) const fn places(self, access: u64) -> Need {
        Need {
            outside: Outside::Places(access),
            ..self
        }
    }
}

/// What a row is whatever the process and the arguments.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Shape {
    /// Allowed.
    Allow,
    /// Denied by capability mode.
    Deny,
    /// Answered `ENOSYS`.
    Enosys,
    /// It depends: argument conditions, grants or descriptor needs.
    Rules,
}

impl Row {
    /// What the row is whatever the process and the arguments.
    pub(crate) const fn shape(&self) -> Shape {
        if !self.needs.is_empty() {
            return Shape::Rules;
        }
        match self.mode {
            Mode::Allow => Shape::Allow,
            Mode::Deny => Shape::Deny,
            Mode::Enosys => Shape::Enosys,
            Mode::AllowIf(_) => Shape::Rules,
        }
    }
}

impl Syscall {
    /// The (directory descriptor, path) argument pairs of a lookup beneath
    /// a directory descriptor.
    pub(crate) fn lookups(&self) -> impl Iterator<Item = (usize, usize)> + '_ {
        self.args()
            .windows(2)
            .enumerate()
            .filter(|(_, w)| w[0] == Arg::Dirfd && w[1] == Arg::Path)
            .map(|(i, _)| (i, i + 1))
    }

    /// Whether capability mode may allow lookups through this call (an
    /// alternative gated on [`Gate::Lookups`]).
    pub(crate) fn looks_up_beneath(&self) -> bool {
        matches!(self.mode(), Mode::AllowIf(alts) if alts.iter().any(|a| a.gate == Gate::Lookups))
    }

    /// Its arguments, as far as they are decoded.
    pub(crate) fn args(&self) -> &[Arg] {
        &self.arg_kinds[..usize::from(self.arity)]
    }
}
