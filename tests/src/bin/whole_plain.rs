//! The whole-process benchmark's baseline (tests/benches/enforcement.rs):
//! copies the file named by `argv[1]` to stdout, with no sandbox. Its
//! siblings `whole_sandboxed`, `whole_landlock` and `whole_extrasafe` do the
//! same with the same system calls, confined in their ways.

fn main() -> std::io::Result<()> {
    let path = std::env::args_os().nth(1).expect("a file to copy");
    sandboxed_tests::copy_to_stdout(std::fs::File::open(path)?)
}
