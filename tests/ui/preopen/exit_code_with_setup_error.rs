use sandboxed::{sandboxed, File};

fn report(e: &sandboxed::Error) -> i32 {
    eprintln!("tool: {}", e.reason());
    2
}

#[sandboxed(preopen(input = file(arg(1))), on_setup_error = report, exit_code = 2)]
fn main(input: File) {
    let _ = input;
}
