//! What the running kernel provides: the Landlock ABI version
//! (`landlock_create_ruleset(NULL, 0, LANDLOCK_CREATE_RULESET_VERSION)`,
//! landlock(7)) and seccomp filtering with `SECCOMP_RET_ERRNO`
//! (`SECCOMP_GET_ACTION_AVAIL`, seccomp(2)), and what the supervisor
//! needs (`supervise.rs`). Probed once, then cached.

use std::sync::OnceLock;

use crate::decl::{Kind, Plan};
use crate::rights::Right;

use super::confine::Policy;

/// The kernel's sandboxing mechanisms.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Kernel {
    /// Landlock ABI version; 0 when Landlock is missing or disabled.
    pub landlock_abi: i32,
    /// seccomp-bpf filters with the ERRNO action.
    pub seccomp: bool,
    /// The supervisor's mechanisms: seccomp user notification and pidfds
    /// of threads (`supervise::available`).
    pub notify: bool,
    /// `PIDFD_GET_INFO` (Linux 6.13), with which the supervisor tells the
    /// thread group of a thread: it answers the signals to a process or
    /// thread id (`supervise::tells_thread_groups`); without it they keep
    /// to Landlock's signal scope.
    pub pidfd_info: bool,
}

impl Kernel {
    /// The running kernel.
    pub(crate) fn running() -> Kernel {
        static KERNEL: OnceLock<Kernel> = OnceLock::new();
        *KERNEL.get_or_init(|| Kernel {
            landlock_abi: landlock_abi(),
            seccomp: seccomp(),
            notify: super::supervise::available(),
            pidfd_info: super::supervise::tells_thread_groups(),
        })
    }

    /// What this kernel lacks to enforce `plan`.
    pub(crate) fn missing(&self, plan: &Plan) -> Vec<Gap> {
        let dirs = plan
            .preopens
            .iter()
            .any(|p| p.kind == Kind::Dir && p.limits.rights.allows(Right::Lookup));
        self.missing_parts(dirs)
    }

    /// What this kernel lacks to enforce `policy`.
    pub(crate) fn missing_for(&self, policy: &Policy) -> Vec<Gap> {
        self.missing_parts(!policy.beneath.is_empty())
    }

    fn missing_parts(&self, dirs: bool) -> Vec<Gap> {
        let mut missing = Vec::new();
        if !self.seccomp {
            missing.push(Gap::Seccomp);
        }
        let abi = self.landlock_abi;
        if abi < 1 && dirs {
            missing.push(Gap::Landlock);
        }
        if (1..3).contains(&abi) && dirs {
            missing.push(Gap::LandlockTruncate);
        }
        if (1..5).contains(&abi) && dirs {
            missing.push(Gap::LandlockDeviceIoctl);
        }
        if abi < 6 {
            missing.push(Gap::LandlockScopes);
        }
        if self.seccomp && !self.notify {
            missing.push(Gap::Supervisor);
        }
        missing
    }
}

/// A mechanism the running kernel lacks, and what goes unenforced without
/// it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Gap {
    /// seccomp-bpf with `SECCOMP_RET_ERRNO`: capability mode and the
    /// descriptors' rights.
    Seccomp,
    /// Landlock (Linux 5.13): lookups beneath preopened directories are
    /// denied instead.
    Landlock,
    /// Landlock ABI 3 (Linux 6.2): truncate beneath directories.
    LandlockTruncate,
    /// Landlock ABI 5 (Linux 6.10): device ioctls beneath directories.
    LandlockDeviceIoctl,
    /// Landlock ABI 6 (Linux 6.12): signal and abstract unix socket
    /// scoping.
    LandlockScopes,
    /// seccomp user notification with pidfds of threads (Linux 6.9): the
    /// supervisor, without which fstatat(2) and statx(2) with
    /// `AT_EMPTY_PATH` look a path up with `fstat` alone.
    Supervisor,
}

impl std::fmt::Display for Gap {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Gap::Seccomp => "seccomp-bpf (capability mode and descriptor rights are not enforced)",
            Gap::Landlock => "Landlock (lookups beneath preopened directories are denied instead)",
            Gap::LandlockTruncate => "Landlock ABI 3 (truncate beneath directories)",
            Gap::LandlockDeviceIoctl => "Landlock ABI 5 (device ioctls beneath directories)",
            Gap::LandlockScopes => "Landlock ABI 6 (signal and abstract unix socket scoping)",
            Gap::Supervisor => "the seccomp supervisor: user notification with thread pidfds (Linux 6.9), pidfd_getfd and process_vm_readv allowed (stat with AT_EMPTY_PATH and a path needs only `fstat`)",
        })
    }
}

fn landlock_abi() -> i32 {
    const LANDLOCK_CREATE_RULESET_VERSION: libc::c_long = 1;
    // SAFETY: with a NULL attribute and size 0 and the VERSION flag, the
    // call only returns the ABI version (landlock_create_ruleset(2)).
    let v = unsafe {
        libc::syscall(
            libc::SYS_landlock_create_ruleset,
            std::ptr::null::<libc::c_void>(),
            0usize,
            LANDLOCK_CREATE_RULESET_VERSION,
        )
    };
    v.max(0) as i32
}

fn seccomp() -> bool {
    action_available(libc::SECCOMP_RET_ERRNO)
}

/// Whether seccomp(2) filters may return `action` (a `SECCOMP_RET_*`),
/// `SECCOMP_GET_ACTION_AVAIL`.
pub(super) fn action_available(action: u32) -> bool {
    // SAFETY: SECCOMP_GET_ACTION_AVAIL reads one u32 through the pointer.
    let r = unsafe {
        libc::syscall(
            libc::SYS_seccomp,
            libc::SECCOMP_GET_ACTION_AVAIL,
            0,
            &action as *const u32,
        )
    };
    r == 0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_old_kernel_names_what_it_lacks() {
        let old = Kernel {
            landlock_abi: 0,
            seccomp: false,
            notify: false,
            pidfd_info: false,
        };
        let missing = old.missing_parts(true);
        assert!(missing.contains(&Gap::Seccomp), "{missing:?}");
        assert!(missing.contains(&Gap::Landlock), "{missing:?}");
        assert!(Gap::Landlock.to_string().starts_with("Landlock (lookups"));
        let current = Kernel {
            landlock_abi: 7,
            seccomp: true,
            notify: true,
            pidfd_info: true,
        };
        assert!(current.missing_parts(true).is_empty());
    }
}
