//! `bspatch` run as a user would: byte-identical to the reference bspatch
//! on patches made by the reference bsdiff; malformed patches refused with
//! one line and status 1, never a crash.

mod common;

use std::path::Path;
use std::process::Command;

use common::*;
use sandboxed_examples::bspatch::{build_patch, offtout};

const BSPATCH: &str = env!("CARGO_BIN_EXE_bspatch");

/// Whether the reference tools are installed (Debian's `bsdiff` package).
fn reference() -> bool {
    let found = Path::new("/usr/bin/bsdiff").exists() && Path::new("/usr/bin/bspatch").exists();
    if !found {
        eprintln!("skipped: bsdiff not installed");
    }
    found
}

/// OLD, and NEW made from it by edits, insertions and a deletion: what a
/// new version of a binary looks like to bsdiff.
fn versions() -> (Vec<u8>, Vec<u8>) {
    let old = noise(300_000, 7);
    let mut new = old[..100_000].to_vec();
    new.extend(b"an insertion that bsdiff will put in the extra block");
    new.extend(old[100_000..200_000].iter().map(|b| b.wrapping_add(3)));
    new.extend(&old[250_000..]);
    new.extend(noise(5_000, 9));
    for i in (0..new.len()).step_by(997) {
        new[i] ^= 0x20;
    }
    (old, new)
}

#[test]
fn output_is_byte_identical_to_the_reference_bspatch() {
    if !reference() {
        return;
    }
    let (old, new) = versions();
    let text = b"The quick brown fox jumps over the lazy dog.\n".repeat(2000);
    let cases: [(&str, &[u8], &[u8]); 4] = [
        ("edited binary", &old, &new),
        ("from one byte", b"x", &text),
        ("to one byte", &text, b"y"),
        ("unchanged", &text, &text),
    ];
    for (case, old, new) in cases {
        let d = tempfile::tempdir().unwrap();
        std::fs::write(d.path().join("old"), old).unwrap();
        std::fs::write(d.path().join("new"), new).unwrap();
        let made = Command::new("bsdiff")
            .args(["old", "new", "patch"])
            .current_dir(d.path())
            .status()
            .unwrap();
        assert!(made.success(), "{case}: bsdiff");
        let reference = Command::new("bspatch")
            .args(["old", "new.ref", "patch"])
            .current_dir(d.path())
            .status()
            .unwrap();
        assert!(reference.success(), "{case}: reference bspatch");

        let Some(out) = run(BSPATCH, &["old", "new.ours", "patch"], d.path()) else {
            return;
        };
        assert_eq!((status(&out), stderr(&out)), (0, String::new()), "{case}");
        let ours = std::fs::read(d.path().join("new.ours")).unwrap();
        assert!(
            ours == std::fs::read(d.path().join("new.ref")).unwrap(),
            "{case}: differs from the reference"
        );
        assert!(ours == new, "{case}: differs from NEW");
    }
}

/// Runs bspatch on a hostile `patch` over an existing NEW; checks the
/// refusal is Debian's (`bspatch: Corrupt patch`, status 1) and that NEW
/// is untouched and no temporary is left.
fn refused(patch: &[u8]) -> Option<String> {
    let d = tempfile::tempdir().unwrap();
    std::fs::write(d.path().join("old"), b"0123456789").unwrap();
    std::fs::write(d.path().join("new"), b"precious").unwrap();
    std::fs::write(d.path().join("patch"), patch).unwrap();
    let out = run(BSPATCH, &["old", "new", "patch"], d.path())?;
    assert_eq!(status(&out), 1, "{out:?}");
    assert_clean_error(&out, "bspatch: Corrupt patch");
    assert_eq!(std::fs::read(d.path().join("new")).unwrap(), b"precious");
    let mut left: Vec<_> = std::fs::read_dir(d.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .collect();
    left.sort();
    assert_eq!(left, ["new", "old", "patch"], "no temporary left");
    Some(stderr(&out))
}

#[test]
fn truncated_patches_and_bad_magic_are_refused() {
    let good = build_patch(&[(10, 2, 0)], &[1; 10], b"xy");
    for cut in [0, 5, 31, 40, good.len() - 30] {
        if refused(&good[..cut]).is_none() {
            return;
        }
    }
    let mut bad = good.clone();
    bad[..8].copy_from_slice(b"BSDIFF39");
    refused(&bad);
}

#[test]
fn negative_and_overflowing_lengths_are_refused() {
    // FreeBSD-SA-16:25 and SA-16:29: lengths the reference trusted.
    let good = build_patch(&[(10, 2, 0)], &[1; 10], b"xy");
    for (at, value) in [
        (8, offtout(-1)),
        (16, offtout(-100)),
        (24, offtout(-1)),
        (8, offtout(i64::MAX)),
        (16, offtout(i64::MAX - 16)),
    ] {
        let mut bad = good.clone();
        bad[at..at + 8].copy_from_slice(&value);
        if refused(&bad).is_none() {
            return;
        }
    }
    for controls in [
        vec![(-1, 0, 0)],
        vec![(0, -10, 0)],
        vec![(10, 0, i64::MIN + 1)],
        vec![(i64::MAX, 1, 0)],
        vec![(5, 0, 100), (5, 0, 0)],
    ] {
        if refused(&build_patch(&controls, &[0; 16], &[0; 16])).is_none() {
            return;
        }
    }
}

#[test]
fn a_lying_size_of_new_allocates_nothing() {
    // The reference mallocs the header's size of NEW up front.
    let mut bad = build_patch(&[(10, 0, 0)], &[0; 10], b"");
    bad[24..32].copy_from_slice(&offtout(i64::MAX));
    refused(&bad);
}

#[test]
fn old_and_new_may_be_the_same_file() {
    // Debian's bspatch truncates OLD while patching it in place here (its
    // result differs from NEW); a temporary renamed over it cannot.
    let d = tempfile::tempdir().unwrap();
    std::fs::write(d.path().join("f"), b"0123456789").unwrap();
    std::fs::write(
        d.path().join("patch"),
        build_patch(&[(10, 2, 0)], &[1; 10], b"xy"),
    )
    .unwrap();
    let Some(out) = run(BSPATCH, &["f", "f", "patch"], d.path()) else {
        return;
    };
    assert_eq!((status(&out), stderr(&out)), (0, String::new()));
    assert_eq!(std::fs::read(d.path().join("f")).unwrap(), b"123456789:xy");
}

#[test]
fn a_missing_patch_leaves_new_alone() {
    let d = tempfile::tempdir().unwrap();
    std::fs::write(d.path().join("old"), b"old").unwrap();
    std::fs::write(d.path().join("new"), b"precious").unwrap();
    let Some(out) = run(BSPATCH, &["old", "new", "missing"], d.path()) else {
        return;
    };
    assert_eq!(status(&out), 1);
    assert_clean_error(&out, "bspatch: fopen(missing): No such file or directory");
    assert_eq!(std::fs::read(d.path().join("new")).unwrap(), b"precious");
}

/// While bspatch waits for its patch (a FIFO), its descriptors are looked
/// at from outside: it is confined and holds no file open for writing
/// (NEW's temporary is created only once the patch is read); OLD and
/// PATCH are read-only (the kernel's access mode, which no right can
/// widen).
#[cfg(target_os = "linux")]
#[test]
fn it_holds_no_file_for_writing_while_reading_the_patch() {
    let d = tempfile::tempdir().unwrap();
    std::fs::write(d.path().join("old"), b"0123456789").unwrap();
    let patch = build_patch(&[(10, 0, 0)], &[1; 10], b"");
    let old_open = |files: &[String]| files.iter().any(|f| f.ends_with("/old"));
    let args = ["old", "new", "patch"];
    let Some(seen) = seen_while_blocked(BSPATCH, &args, d.path(), "patch", &patch, old_open) else {
        return;
    };
    assert_eq!(status(&seen.out), 0, "{:?}", seen.out);
    assert_eq!(std::fs::read(d.path().join("new")).unwrap(), b"123456789:");
    assert_eq!(seen.writable, Vec::<String>::new(), "open for writing");
}
