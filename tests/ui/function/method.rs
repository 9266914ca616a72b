use sandboxed::sandboxed;

struct Tool;

impl Tool {
    #[sandboxed()]
    fn run(&self) {}
}

fn main() {
    Tool.run();
}
