//! Hostile messages to the broker: arbitrary bytes, mutated requests,
//! oversized messages and unasked-for descriptors, over every channel of a
//! program declaring every service with `#[sandboxed(services(..))]`.
//! The program runs with `SANDBOXED_TRACE=dry-run`: it sends descriptors
//! with sendmsg(2), which the sandbox denies where no supervisor reads the
//! msghdr (seccomp cannot). The target is the broker, whose confinement does not depend on
//! the trace mode (it applies its own policy, broker/policy.rs): this
//! test checks in /proc that it runs under seccomp with no_new_privs. Every message must get an answer within 30 s,
//! descriptors sent must not leak (this process compares both sides'
//! /proc/PID/fd before and after), and the broker must still answer
//! correctly, within its limits, afterwards.
//!
//! `SANDBOXED_FUZZ_MESSAGES` sets the count (default 20 000; CI runs
//! 1 000 000), `SANDBOXED_FUZZ_SEED` the seed (default: the time).

#![cfg(target_os = "linux")]

mod services_support;

use services_support::{broker_of, fds, scenario_with};

#[test]
fn the_broker_survives_hostile_messages() {
    let count = std::env::var("SANDBOXED_FUZZ_MESSAGES").unwrap_or_else(|_| "20000".into());
    let seed = std::env::var("SANDBOXED_FUZZ_SEED").unwrap_or_else(|_| {
        let t = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap();
        t.as_nanos().to_string()
    });
    let seed = (seed.parse::<u128>().expect("numeric seed") as u64).to_string();
    let dir = std::env::temp_dir().join(format!("sandboxed-fuzz-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("named.txt");
    std::fs::write(&file, "named on the command line\n").unwrap();
    println!("seed {seed} (SANDBOXED_FUZZ_SEED={seed} replays it)");
    let mut before = None;
    let mut compared = false;
    let stdout = scenario_with(
        &[
            "fuzz",
            &count,
            &seed,
            file.to_str().unwrap(),
            file.to_str().unwrap(),
        ],
        &[("SANDBOXED_TRACE", std::path::Path::new("dry-run"))],
        |label, probe| {
            let broker = broker_of(probe);
            let now = (fds(probe), fds(broker));
            match label {
                "before" => {
                    // One serving thread per channel (seven services).
                    let status = std::fs::read_to_string(format!("/proc/{broker}/status")).unwrap();
                    assert!(status.contains("Threads:\t7\n"), "{status}");
                    // The broker is confined although the program runs
                    // in dry-run.
                    assert!(status.contains("Seccomp:\t2"), "{status}");
                    assert!(status.contains("NoNewPrivs:\t1"), "{status}");
                    before = Some(now);
                }
                "after" => {
                    let (program, broker) = before.take().expect("a pause before");
                    assert_eq!(
                        now.0, program,
                        "seed {seed}: descriptors leaked into the program"
                    );
                    assert_eq!(
                        now.1, broker,
                        "seed {seed}: descriptors leaked in the broker"
                    );
                    compared = true;
                    println!(
                        "ok: no descriptor leaked ({} in the program, {} in the broker)",
                        program.len(),
                        broker.len()
                    );
                }
                other => panic!("unexpected pause {other}"),
            }
        },
    );
    assert!(compared, "the descriptors were not compared");
    assert!(stdout.contains("ok: grp still answers"), "{stdout}");
}
