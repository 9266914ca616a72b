//! A standard stream declared with `fchmod`, which a file opened after
//! entry beneath `/tmp` (preopened without it) lacks: on Linux the stream's
//! number would pass it to the next descriptor opened once the stream is
//! closed, so entry refuses the declaration (tests/tests/reuse.rs). Prints
//! `entered` if it got in.

#[cfg(all(target_os = "linux", target_arch = "x86_64"))]
#[sandboxed::sandboxed(
    preopen(tmp = dir("/tmp")),
    rights(tmp = [lookup, read], stdin = [read], stdout = [write, fchmod], stderr = [write]),
)]
fn main(tmp: sandboxed::Dir) {
    let _ = tmp;
    println!("entered");
}

#[cfg(not(all(target_os = "linux", target_arch = "x86_64")))]
fn main() {
    println!("skipped: the Linux backend's descriptor numbers");
}
