//! The whole-process benchmark's program with this crate's sandbox: the
//! file opened by the attribute, `[read]` only, stdio limited, capability
//! mode (tests/benches/enforcement.rs; the baseline is `whole_plain`).
//! With `BENCH_STEPS` in the environment it also prints each entry step's
//! microseconds on stderr (`steps=name:us,...`) and the seccomp
//! instructions it installed (`instructions=n`), where the benchmark reads
//! where its extra time goes.

#[cfg(target_os = "linux")]
#[sandboxed::sandboxed(preopen(input = file(arg(1))), rights(input = [read], stdio))]
fn main(input: sandboxed::File) -> std::io::Result<()> {
    if std::env::var_os("BENCH_STEPS").is_some() {
        let steps: Vec<String> = sandboxed::__private::step_times()
            .iter()
            .map(|(step, us)| format!("{}:{us:.1}", step.replace(' ', "_")))
            .collect();
        eprintln!(
            "steps={} instructions={}",
            steps.join(","),
            sandboxed::__private::program_instructions()
        );
    }
    sandboxed_tests::copy_to_stdout(input)
}

#[cfg(not(target_os = "linux"))]
fn main() {}
