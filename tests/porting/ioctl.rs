//! FIONREAD on standard output, whose `ioctls(..)` list only TIOCGWINSZ.
#[sandboxed::sandboxed(rights(stdout = [write, fstat, ioctls(tiocgwinsz)]))]
fn main() {
    let mut n: libc::c_int = 0;
    // SAFETY: FIONREAD writes one int.
    let r = unsafe { libc::ioctl(1, libc::FIONREAD, &mut n) };
    println!("FIONREAD: {}", if r == 0 { "ok" } else { "refused" });
}
