//! A file opened by path from the current directory.
#[sandboxed::sandboxed(rights(stdio))]
fn main() {
    println!("read data.txt: {:?}", std::fs::read_to_string("data.txt").map(drop).map_err(|e| e.kind()));
}
