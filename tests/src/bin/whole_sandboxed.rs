//! The whole-process benchmark's program with this crate's sandbox: the
//! file opened by the attribute, `[read]` only, stdio limited, capability
//! mode (tests/benches/enforcement.rs; the baseline is `whole_plain`).

#[cfg(target_os = "linux")]
#[sandboxed::sandboxed(preopen(input = file(arg(1))), rights(input = [read], stdio))]
fn main(input: sandboxed::File) -> std::io::Result<()> {
    sandboxed_tests::copy_to_stdout(input)
}

#[cfg(not(target_os = "linux"))]
fn main() {}
