use sandboxed::{sandboxed, File};

// `files({ expr })` takes an iterator of paths; one path is `file({ expr })`.
#[sandboxed(preopen(inputs = files({ String::from("a") })))]
fn main(inputs: Vec<File>) {
    let _ = inputs;
}
