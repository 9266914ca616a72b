//! An empty `#[tokio::main]` program runs clean in every `SANDBOXED_TRACE`
//! mode: nothing reported of what tokio and std do at start (the cgroup
//! CPU quota, each new thread's CPU mask), and `trap` does not stop it
//! before its first line.

use std::process::Command;

const PROBE: &str = env!("CARGO_BIN_EXE_tokio_empty");

#[test]
fn an_empty_tokio_program_runs_clean_in_every_mode() {
    if !cfg!(all(target_os = "linux", target_arch = "x86_64")) {
        println!("skipped: the trace modes run the Linux backend");
        return;
    }
    for trace in ["1", "trap", "dry-run"] {
        let out = Command::new(PROBE)
            .env("SANDBOXED_TRACE", trace)
            .env_remove("TOKIO_WORKER_THREADS")
            .env_remove("RUST_BACKTRACE")
            .output()
            .expect("starts");
        let stderr = String::from_utf8_lossy(&out.stderr);
        if stderr.contains("cannot enforce") {
            println!("skipped: {}", stderr.trim());
            return;
        }
        assert!(out.status.success(), "{trace}: {:?}\n{stderr}", out.status);
        assert_eq!(
            String::from_utf8_lossy(&out.stdout),
            "first line\n",
            "{trace}"
        );
        assert!(!stderr.contains("sandboxed: denied"), "{trace}:\n{stderr}");
        if trace == "dry-run" {
            assert!(stderr.contains("would have denied nothing"), "{stderr}");
        }
    }
}
