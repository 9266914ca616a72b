use sandboxed::sandboxed;

#[sandboxed(
    rights(
        stdin = [read, event, ioctls(fionread, tiocgeta)],
        stdout = [write, fstat, fcntls(getfl)],
        stderr = [write],
    ),
    on_unsupported = "warn",
)]
fn main() {
    eprintln!("stderr still works");
}
