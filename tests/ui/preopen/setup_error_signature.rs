use sandboxed::{sandboxed, File};

// The report returns the exit status: `fn(&sandboxed::Error) -> i32`.
fn report(e: &sandboxed::Error) {
    eprintln!("tool: {}", e.reason());
}

#[sandboxed(preopen(input = file(arg(1))), on_setup_error = report)]
fn main(input: File) {
    let _ = input;
}
