use sandboxed::{sandboxed, Operand};

#[sandboxed(preopen(cfg = file(arg(1), optional, fallible)))]
fn main(cfg: Operand) {
    let _ = cfg;
}
