// A `Dir` written without its rights is `Dir<Unknown>`, which holds no
// right: the message says so, and how to name the declaration's.
use sandboxed::{sandboxed, Dir};

fn serve(root: &Dir) {
    let _ = root.open("index.html");
}

#[sandboxed(preopen(root = dir(arg(1))), rights(root = [lookup, read]))]
fn main(root: Dir) {
    let _ = root;
    let _ = serve;
}
