//! The filter's supervisor (runtime/src/backend/linux/supervise.rs) as an
//! ordinary program meets it: signals sent to the program's whole process
//! group, and no process left once the program is gone.

#![cfg(target_os = "linux")]

use std::io::{BufRead, BufReader, Write};
use std::os::unix::process::CommandExt;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

mod services_support;
use services_support::children_of;

/// Whether `pid` is gone or a zombie.
fn ended(pid: u32) -> bool {
    std::fs::read_to_string(format!("/proc/{pid}/stat")).map_or(true, |s| {
        s.rsplit_once(')')
            .and_then(|(_, rest)| rest.split_whitespace().next())
            == Some("Z")
    })
}

/// Waits up to 5 s for every one of `helpers` to end (`what`: the case).
fn all_end(helpers: &[u32], what: &str) {
    let start = Instant::now();
    while !helpers.iter().all(|&p| ended(p)) {
        assert!(
            start.elapsed() < Duration::from_secs(5),
            "{what}: a helper outlived the program: {helpers:?}"
        );
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// A program that handles SIGINT, SIGTERM or SIGHUP sent to its process
/// group (the supervisor's too) and goes on still gets fstat answered;
/// once it ends, its supervisor ends too.
#[test]
fn a_signal_to_the_process_group_leaves_fstat_working() {
    for (sig, name) in [
        (libc::SIGINT, "SIGINT"),
        (libc::SIGTERM, "SIGTERM"),
        (libc::SIGHUP, "SIGHUP"),
    ] {
        let mut probe = Command::new(env!("CARGO_BIN_EXE_supervisor_probe"))
            .arg("/dev/null")
            .process_group(0)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .spawn()
            .unwrap();
        let mut out = BufReader::new(probe.stdout.take().unwrap());
        let mut line = String::new();
        out.read_line(&mut line).unwrap();
        assert_eq!(line.trim(), "ready", "{name}");
        let helpers = children_of(probe.id());
        // SAFETY: kill(2) of the probe's own process group.
        assert_eq!(unsafe { libc::kill(-(probe.id() as i32), sig) }, 0);
        std::thread::sleep(Duration::from_millis(100));
        probe.stdin.as_mut().unwrap().write_all(b"go\n").unwrap();
        let mut rest = String::new();
        std::io::Read::read_to_string(&mut out, &mut rest).unwrap();
        assert!(probe.wait().unwrap().success(), "{name}: {rest}");
        assert_eq!(rest.trim(), "caught 1; fstat: ok, size 0", "{name}");
        all_end(&helpers, name);
        println!("{name}: fstat answered after the group's signal; helpers {helpers:?} ended");
    }
}

/// Threads in fstat while the program exits: the program ends, and so
/// does its supervisor.
#[test]
fn the_supervisor_ends_when_the_program_exits_mid_fstat() {
    for _ in 0..3 {
        let mut probe = Command::new(env!("CARGO_BIN_EXE_supervisor_probe"))
            .args(["/dev/null", "exit-in-fstat"])
            .stdout(Stdio::piped())
            .spawn()
            .unwrap();
        std::thread::sleep(Duration::from_millis(20));
        let helpers = children_of(probe.id());
        let mut out = String::new();
        std::io::Read::read_to_string(probe.stdout.as_mut().unwrap(), &mut out).unwrap();
        assert!(probe.wait().unwrap().success(), "{out}");
        assert_eq!(out.trim(), "exiting");
        all_end(&helpers, "exit-in-fstat");
    }
}

/// sendmsg(2) that waits is made by a child of the supervisor, which
/// answers it and exits: after twenty such sends none is left, not even a
/// zombie (the supervisor ignores `SIGCHLD`, wait(2)).
#[test]
fn sends_that_wait_leave_no_process_behind() {
    let mut probe = Command::new(env!("CARGO_BIN_EXE_supervisor_probe"))
        .args(["/dev/null", "sends"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let mut out = BufReader::new(probe.stdout.take().unwrap());
    let mut line = String::new();
    out.read_line(&mut line).unwrap();
    assert_eq!(line.trim(), "sent 20");
    line.clear();
    out.read_line(&mut line).unwrap();
    assert_eq!(line.trim(), "ready");
    let helpers = children_of(probe.id());
    let start = Instant::now();
    let left = loop {
        let left: Vec<u32> = helpers.iter().flat_map(|&h| children_of(h)).collect();
        if left.is_empty() || start.elapsed() > Duration::from_secs(2) {
            break left;
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    probe.stdin.as_mut().unwrap().write_all(b"go\n").unwrap();
    let mut rest = String::new();
    std::io::Read::read_to_string(&mut out, &mut rest).unwrap();
    assert!(probe.wait().unwrap().success(), "{rest}");
    assert!(left.is_empty(), "the supervisor's children left: {left:?}");
    all_end(&helpers, "sends");
}

/// A thread waiting in sendmsg(2) while the program exits: the child of
/// the supervisor making it ends, and so does the supervisor.
#[test]
fn a_send_that_waits_ends_with_the_program() {
    let mut probe = Command::new(env!("CARGO_BIN_EXE_supervisor_probe"))
        .args(["/dev/null", "exit-in-send"])
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    std::thread::sleep(Duration::from_millis(100));
    let helpers = children_of(probe.id());
    let mut all: Vec<u32> = helpers.iter().flat_map(|&h| children_of(h)).collect();
    assert!(!all.is_empty(), "no child of the supervisor makes the send");
    all.extend(&helpers);
    let mut out = String::new();
    std::io::Read::read_to_string(probe.stdout.as_mut().unwrap(), &mut out).unwrap();
    assert!(probe.wait().unwrap().success(), "{out}");
    assert_eq!(out.trim(), "exiting");
    all_end(&all, "exit-in-send");
}

/// A child the program forks gets fstat answered too.
#[test]
fn a_forked_child_gets_fstat() {
    let out = Command::new(env!("CARGO_BIN_EXE_supervisor_probe"))
        .args(["/dev/null", "fork"])
        .stdin(Stdio::null())
        .output()
        .unwrap();
    let out = String::from_utf8_lossy(&out.stdout);
    assert!(out.starts_with("child status 0\n"), "{out}");
}

/// A compartment forked inside the sandbox, directly or from the zygote
/// (the program runs a second thread), gets fstat of a pipe answered
/// through `AT_EMPTY_PATH` (the program's supervisor answers it).
#[test]
fn a_compartment_gets_fstat() {
    for how in ["direct", "zygote"] {
        let out = Command::new(env!("CARGO_BIN_EXE_supervisor_probe"))
            .args(["/dev/null", &format!("compartment-{how}")])
            .stdin(Stdio::null())
            .output()
            .unwrap();
        let out = String::from_utf8_lossy(&out.stdout);
        // S_IFIFO, inode(7).
        let fifo = format!("compartment {how}: Ok({})\n", libc::S_IFIFO);
        assert!(out.starts_with(&fifo), "{out}");
    }
}

/// Where pidfd_getfd(2) is refused (as a container's seccomp profile
/// refuses it without `CAP_SYS_PTRACE`), entry names the missing
/// supervisor and refuses to run (`on_unsupported`'s default), rather than
/// failing halfway with `EPERM`; the program's body never runs.
#[test]
fn without_pidfd_getfd_entry_names_the_missing_supervisor() {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_supervisor_probe"));
    cmd.arg("/dev/null").stdin(Stdio::null());
    // SAFETY: between fork and exec, only prctl(2) and seccomp(2) with a
    // program on the stack: async-signal-safe.
    unsafe {
        cmd.pre_exec(|| {
            const LD_W_ABS: u16 = 0x20;
            const JEQ_K: u16 = 0x15;
            const RET_K: u16 = 0x06;
            let insn = |code, jt, jf, k| libc::sock_filter { code, jt, jf, k };
            let mut p = [
                insn(LD_W_ABS, 0, 0, 0),
                insn(JEQ_K, 0, 1, libc::SYS_pidfd_getfd as u32),
                insn(RET_K, 0, 0, libc::SECCOMP_RET_ERRNO | libc::EPERM as u32),
                insn(RET_K, 0, 0, libc::SECCOMP_RET_ALLOW),
            ];
            install_filter(&mut p)
        });
    }
    let out = cmd.output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(!out.status.success(), "it ran: {stdout}{stderr}");
    assert!(
        !stdout.contains("ready"),
        "the body ran unsandboxed: {stdout}"
    );
    assert!(
        stderr.contains("cannot enforce the sandbox"),
        "no gap named: {stderr}"
    );
    assert!(stderr.contains("seccomp supervisor"), "{stderr}");
}

/// abort(3) in the program itself ends it with `SIGABRT`
/// (capmode.cc TEST(Capmode, Abort)): glibc raises it with tgkill(2) of
/// its own thread, which the supervisor lets through. Were the call
/// refused, abort(3) would end the program otherwise (glibc's last resort
/// is a trapping instruction: `SIGSEGV` or `SIGILL`).
#[test]
fn abort_in_the_program_ends_it_with_sigabrt() {
    use std::os::unix::process::ExitStatusExt;
    let out = Command::new(env!("CARGO_BIN_EXE_supervisor_probe"))
        .args(["/dev/null", "abort"])
        .stdin(Stdio::null())
        .output()
        .unwrap();
    assert_eq!(
        out.status.signal(),
        Some(libc::SIGABRT),
        "{:?}: {}",
        out.status,
        String::from_utf8_lossy(&out.stderr)
    );
}

/// A seccomp program, installed before exec, that answers `ENOTTY` to
/// ioctl(2) `PIDFD_GET_INFO`, as a kernel before 6.13 does.
fn without_pidfd_get_info(cmd: &mut Command) {
    // SAFETY: between fork and exec, only prctl(2) and seccomp(2) with a
    // program on the stack: async-signal-safe.
    unsafe {
        cmd.pre_exec(|| {
            const LD_W_ABS: u16 = 0x20;
            const JEQ_K: u16 = 0x15;
            const RET_K: u16 = 0x06;
            // _IOWR(0xFF, 11, struct pidfd_info of 64 bytes).
            const PIDFD_GET_INFO: u32 = (3 << 30) | (64 << 16) | (0xFF << 8) | 11;
            let insn = |code, jt, jf, k| libc::sock_filter { code, jt, jf, k };
            let mut p = [
                insn(LD_W_ABS, 0, 0, 0),
                insn(JEQ_K, 0, 3, libc::SYS_ioctl as u32),
                // seccomp_data: args[1]'s low half at 24.
                insn(LD_W_ABS, 0, 0, 24),
                insn(JEQ_K, 0, 1, PIDFD_GET_INFO),
                insn(RET_K, 0, 0, libc::SECCOMP_RET_ERRNO | libc::ENOTTY as u32),
                insn(RET_K, 0, 0, libc::SECCOMP_RET_ALLOW),
            ];
            install_filter(&mut p)
        });
    }
}

/// Signals by id reach the caller's own process alone (sys_kill in
/// FreeBSD's sys/kern/kern_sig.c); where the supervisor cannot tell thread
/// groups (no `PIDFD_GET_INFO`), they keep to Landlock's signal scope as
/// the table's row 2 (a) documents: a raw clone(2) child signals its
/// parent, a program its forked child. The escape suite's `p2_processes`
/// signal cases check each call with Capsicum's answer.
#[test]
fn signals_by_id_reach_the_own_process_alone_or_keep_to_the_domains() {
    if sandboxed_tests::harness::landlock_abi() < 6
        || !sandboxed_tests::harness::tells_thread_groups()
    {
        println!("skipped: needs Landlock ABI 6 and PIDFD_GET_INFO (Linux 6.13)");
        return;
    }
    let run = |cmd: &mut Command| {
        let out = cmd
            .args(["/dev/null", "signals"])
            .stdin(Stdio::null())
            .output()
            .unwrap();
        assert!(out.status.success(), "{out:?}");
        String::from_utf8_lossy(&out.stdout).into_owned()
    };
    let probe = env!("CARGO_BIN_EXE_supervisor_probe");
    assert_eq!(
        run(&mut Command::new(probe)),
        "itself: ok\ncloned child to the program: PermissionDenied\n\
         program to forked child: PermissionDenied\n"
    );
    let mut old = Command::new(probe);
    without_pidfd_get_info(&mut old);
    assert_eq!(
        run(&mut old),
        "itself: ok\ncloned child to the program: ok\nprogram to forked child: ok\n"
    );
}

/// Installs the classic BPF program `p` on the calling thread, with
/// `PR_SET_NO_NEW_PRIVS` (seccomp(2)); async-signal-safe (two system
/// calls), for `pre_exec`.
///
/// # Safety
///
/// `p` is a valid program; the caller is a forked child before exec.
unsafe fn install_filter(p: &mut [libc::sock_filter]) -> std::io::Result<()> {
    let prog = libc::sock_fprog {
        len: p.len() as u16,
        filter: p.as_mut_ptr(),
    };
    // SAFETY: prctl(2) with integer arguments; seccomp(2) copies the
    // program in and keeps no pointer to it.
    let failed = unsafe {
        libc::prctl(libc::PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0
            || libc::syscall(
                libc::SYS_seccomp,
                libc::SECCOMP_SET_MODE_FILTER,
                0,
                &prog as *const libc::sock_fprog,
            ) != 0
    };
    if failed {
        return Err(std::io::Error::last_os_error());
    }
    Ok(())
}
