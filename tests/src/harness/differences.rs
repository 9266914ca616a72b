//! The differences from Capsicum the Linux table
//! (runtime/src/backend/linux/mod.rs, "Linux vs Capsicum") documents, one
//! constant per kind, as the conformance and escape suites report them:
//! each failure of a documented case names its kind, and a run counts the
//! kinds it met.

/// Row 1 (a).
pub const RAW_LOOKUPS_BY_PLACE: &str = "row 1 (a): a thread racing the supervisor's walk of a raw *at() call \
     reaches what Landlock allows by place: a preopened directory holding the right (an O_PATH open: \
     any place's existence)";
/// Row 1 (b).
pub const LANDLOCK_INEXACT: &str =
    "row 1 (b): what Landlock cannot grant exactly is refused: device nodes; a program, \
     or a program beneath a directory, without `read`; without the supervisor, path forms \
     of chmod, chown, utimes";
/// Row 1 (c).
pub const FILEARGS_NAMES_AT_START: &str =
    "row 1 (c): `fileargs` names keep what they named at start: a name replaced or \
     redirected since is refused, and a descriptor opened ahead is of what it named then";
/// Row 2 (a).
pub const SIGNALS_BY_DOMAIN: &str =
    "row 2 (a): signals through descriptors follow Landlock domains (F_SETOWN takes no process \
     group, refused before the right is looked at), and so do signals by id where the \
     supervisor cannot tell thread groups (no PIDFD_GET_INFO)";
/// Row 2 (b).
pub const CALLER_AS_ZERO: &str =
    "row 2 (b): without PIDFD_GET_INFO (Linux < 6.13), CPU affinity takes the caller only as 0, not by its own id";
/// Row 4 (a).
pub const NO_NEW_EXEC_MEMORY: &str = "row 4 (a): a memfd made after entry is made executable by \
     mprotect(2), not mapped so by mmap(2); and a thread mapping a file over a range the \
     supervisor judged makes it executable or writable";
/// Row 4 (b).
pub const IOCTL_ALLOWLIST: &str = "row 4 (b): ioctl commands only from a fixed allowlist";
/// Row 5 (a).
pub const RIGHTS_BY_NUMBER: &str =
    "row 5 (a): rights live with descriptor numbers, fixed at entry: copies go into a pool \
     (none onto a number of the program's choosing; of a descriptor narrowed to O_PATH, only where \
     the caller may read its file), \
     no passing of a limited descriptor (SCM_RIGHTS of a number in a class: EACCES; Capsicum \
     passes it with its rights), narrowing after entry by moving into a pool of \
     numbers whose limits stay with them";
/// Row 5 (b).
pub const OPENED_AFTER_ENTRY: &str = "row 5 (b): a descriptor opened beneath a directory holds \
     its rights in a pool (fchmod, fchown, futimens, xattrs, inode flags: where its file lies \
     beneath a directory holding them, or is the one installed at that number); those the \
     supervisor leaves to the caller (FIFOs, devices, O_PATH) are in no class";
/// Row 5 (c).
pub const POLL_EVENT: &str =
    "row 5 (c): a thread rewriting a poll array or select set after the supervisor read it polls a descriptor without `event`";
/// Row 5 (d).
pub const FPATHCONF: &str = "row 5 (d): fpathconf(3) is fstatfs(2) on Linux: it needs `fstatfs`";
/// Every kind, in the table's order.
pub const ALL: &[&str] = &[
    RAW_LOOKUPS_BY_PLACE,
    LANDLOCK_INEXACT,
    FILEARGS_NAMES_AT_START,
    SIGNALS_BY_DOMAIN,
    CALLER_AS_ZERO,
    NO_NEW_EXEC_MEMORY,
    IOCTL_ALLOWLIST,
    RIGHTS_BY_NUMBER,
    OPENED_AFTER_ENTRY,
    POLL_EVENT,
    FPATHCONF,
];
