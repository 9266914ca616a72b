//! Dry-run makes each trapped call for real, from the handler, on the
//! thread that made it: through one `syscall` instruction whose address
//! the dry-run programs let through. seccomp(2) gives a filter the
//! instruction pointer of each call (`struct seccomp_data`,
//! `instruction_pointer`: the address after the `syscall` instruction on
//! x86_64), so every trapping program starts by allowing calls made from
//! [`sandboxed_dry_run_syscall`], whatever they are. The call then acts on
//! the right thread (`unshare`, `setns`) and in children forked after
//! entry alike, and no other thread is needed.

use libc::sock_filter;

std::arch::global_asm!(
    ".pushsection .text.sandboxed_dry_run_syscall,\"ax\",@progbits",
    ".globl sandboxed_dry_run_syscall",
    ".type sandboxed_dry_run_syscall,@function",
    // System V: nr, a0..a4 in rdi, rsi, rdx, rcx, r8, r9; a5 on the stack.
    // The kernel: nr in rax, a0..a5 in rdi, rsi, rdx, r10, r8, r9.
    "sandboxed_dry_run_syscall:",
    "mov rax, rdi",
    "mov rdi, rsi",
    "mov rsi, rdx",
    "mov rdx, rcx",
    "mov r10, r8",
    "mov r8, r9",
    "mov r9, [rsp + 8]",
    "syscall",
    ".globl sandboxed_dry_run_syscall_return",
    "sandboxed_dry_run_syscall_return:",
    "ret",
    ".size sandboxed_dry_run_syscall, .-sandboxed_dry_run_syscall",
    ".popsection",
);

extern "C" {
    /// The raw system call `nr`; its result, `-errno` on failure.
    fn sandboxed_dry_run_syscall(
        nr: i64,
        a0: u64,
        a1: u64,
        a2: u64,
        a3: u64,
        a4: u64,
        a5: u64,
    ) -> i64;
    /// The instruction after the `syscall` above.
    static sandboxed_dry_run_syscall_return: u8;
}

/// The instruction pointer the filters see for the exempt call.
pub(super) fn exempt_ip() -> u64 {
    (&raw const sandboxed_dry_run_syscall_return) as u64
}

/// Makes call `nr` with `args` through the exempt instruction
/// (async-signal-safe: one system call).
pub(super) fn call(nr: i64, args: &[u64; 6]) -> i64 {
    // SAFETY: the call the program was about to make, with its own
    // arguments, in its own address space.
    unsafe { sandboxed_dry_run_syscall(nr, args[0], args[1], args[2], args[3], args[4], args[5]) }
}

const LD_W_ABS: u16 = 0x20;
const JEQ_K: u16 = 0x15;
const RET_K: u16 = 0x06;
/// `offsetof(struct seccomp_data, instruction_pointer)`.
const IP_OFFSET: u32 = 8;

/// Puts, in front of `program`, "allow calls made from `ip`". Jumps are
/// relative and forward, so the program after the prefix is unchanged.
pub(super) fn exempt(program: &mut Vec<sock_filter>, ip: u64) {
    let insn = |code, jt, jf, k| sock_filter { code, jt, jf, k };
    let prefix = [
        insn(LD_W_ABS, 0, 0, IP_OFFSET),
        insn(JEQ_K, 0, 3, ip as u32),
        insn(LD_W_ABS, 0, 0, IP_OFFSET + 4),
        insn(JEQ_K, 0, 1, (ip >> 32) as u32),
        insn(RET_K, 0, 0, libc::SECCOMP_RET_ALLOW),
    ];
    program.splice(0..0, prefix);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_exempt_call_makes_the_call() {
        let pid = call(libc::SYS_getpid, &[0; 6]);
        // SAFETY: getpid(2) cannot fail.
        assert_eq!(pid, i64::from(unsafe { libc::getpid() }));
        assert_eq!(
            call(libc::SYS_close, &[u64::MAX >> 33, 0, 0, 0, 0, 0]),
            -i64::from(libc::EBADF)
        );
        assert_ne!(exempt_ip(), 0);
    }

    #[test]
    fn the_prefix_allows_only_the_exempt_address() {
        let mut p = vec![sock_filter {
            code: RET_K,
            jt: 0,
            jf: 0,
            k: libc::SECCOMP_RET_TRAP,
        }];
        exempt(&mut p, 0x1234_5678_9abc_def0);
        assert_eq!(p.len(), 6);
        assert_eq!(p[1].k, 0x9abc_def0);
        assert_eq!(p[3].k, 0x1234_5678);
        // Both mismatches land on the original first instruction.
        assert_eq!(1 + 1 + usize::from(p[1].jf), 5);
        assert_eq!(3 + 1 + usize::from(p[3].jf), 5);
    }
}
