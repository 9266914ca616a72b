//! The whole-process benchmark's floor of seccomp confinement
//! (tests/benches/enforcement.rs): `PR_SET_NO_NEW_PRIVS` and one seccomp
//! program that allows everything, then the same copy as `whole_plain`.
//! With `FLOOR_INSNS=n` the program has `n` instructions: `ALLOW`, then
//! `n - 1` returns no call reaches. The
//! kernel converts and JIT-compiles every instruction of a program at
//! attach time (net/core/filter.c `bpf_convert_filter`,
//! arch/x86/net/bpf_jit_comp.c), while its action-cache emulation
//! (kernel/seccomp.c `seccomp_cache_prepare`) stops at the first return:
//! the difference from the one-instruction program is what the kernel
//! spends per instruction, whatever the program does.

#[cfg(target_os = "linux")]
fn main() -> std::io::Result<()> {
    let path = std::env::args_os().nth(1).expect("a file to copy");
    let input = std::fs::File::open(path)?;
    let n: usize = std::env::var("FLOOR_INSNS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(1);
    let ret = |k: u32| libc::sock_filter {
        code: 0x06, // BPF_RET | BPF_K
        jt: 0,
        jf: 0,
        k,
    };
    // The first instruction answers every call; the others are converted
    // and compiled all the same.
    let mut program: Vec<libc::sock_filter> = (0..n.max(1))
        .map(|i| match i {
            0 => ret(libc::SECCOMP_RET_ALLOW),
            i => ret(libc::SECCOMP_RET_ERRNO | (i as u32 & 0xfff)),
        })
        .collect();
    let prog = libc::sock_fprog {
        len: u16::try_from(program.len()).expect("BPF_MAXINSNS at most"),
        filter: program.as_mut_ptr(),
    };
    // SAFETY: prctl with integer arguments; seccomp(2) copies the program
    // in and keeps no pointer to it.
    let rc = unsafe {
        if libc::prctl(libc::PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0 {
            -1
        } else {
            libc::syscall(
                libc::SYS_seccomp,
                libc::SECCOMP_SET_MODE_FILTER,
                0,
                &prog as *const libc::sock_fprog,
            )
        }
    };
    if rc != 0 {
        return Err(std::io::Error::last_os_error());
    }
    sandboxed_tests::copy_to_stdout(input)
}

#[cfg(not(target_os = "linux"))]
fn main() {}
