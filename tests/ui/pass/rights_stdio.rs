use sandboxed::sandboxed;

#[sandboxed(rights(stdio), on_unsupported = "warn")]
fn main() {
    println!("stdout still works");
}
