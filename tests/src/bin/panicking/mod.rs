//! What `panic_probe` (sandboxed) and `panic_twin` (not) both do: panic
//! from the main thread (`main`) or from a thread named `worker`
//! (`thread`, then exit 101), two functions deep.

/// Panics as argv[1] says.
pub fn run() {
    if std::env::args().nth(1).as_deref() == Some("capture") {
        capture();
        return;
    }
    if std::env::args().nth(1).as_deref() == Some("thread") {
        let joined = std::thread::Builder::new()
            .name("worker".into())
            .spawn(deep)
            .expect("spawn")
            .join();
        std::process::exit(if joined.is_err() { 101 } else { 0 });
    }
    deep();
}

#[inline(never)]
fn deep() {
    inner_panic();
}

#[inline(never)]
fn inner_panic() {
    panic!("deliberate panic");
}

/// Prints a backtrace the program captures itself, whatever the
/// environment says (`Backtrace::force_capture`), on stderr.
#[inline(never)]
fn capture() {
    eprintln!("{}", std::backtrace::Backtrace::force_capture());
}
