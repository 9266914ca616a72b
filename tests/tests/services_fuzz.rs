//! Hostile messages to the broker: arbitrary bytes, mutated requests,
//! oversized messages and unasked-for descriptors, over every channel of a
//! sandboxed program. Every message must get an answer, descriptors sent
//! must not leak, and the broker must still answer correctly, within its
//! limits, afterwards.
//!
//! `SANDBOXED_FUZZ_MESSAGES` sets the count (default 20 000; CI runs
//! 1 000 000), `SANDBOXED_FUZZ_SEED` the seed (default: the time).

#![cfg(target_os = "linux")]

use std::process::Command;

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
    let out = Command::new(env!("CARGO_BIN_EXE_service_probe"))
        .args([
            "fuzz",
            &count,
            &seed,
            file.to_str().unwrap(),
            file.to_str().unwrap(),
        ])
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    print!("{stdout}");
    assert!(
        out.status.success(),
        "seed {seed}: {}\n{stdout}\n{}",
        out.status,
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(stdout.contains("ok: grp still answers"), "{stdout}");
}
