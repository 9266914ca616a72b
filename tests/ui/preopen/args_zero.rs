// `args(0..)` includes the program's name.
use sandboxed::sandboxed;
use sandboxed::File;

#[sandboxed(preopen(inputs = files(args(0..))))]
fn main(inputs: Vec<File>) {
    let _ = inputs;
}
